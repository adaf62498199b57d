# Caliber kiosk — polski.

title-idle = ZESKANUJ IDENTYFIKATOR
title-qualified = DOPUSZCZONO
title-not-qualified = NIE DOPUSZCZONO
title-unknown-badge = NIEZNANY IDENTYFIKATOR
title-badge-replaced = IDENTYFIKATOR WYMIENIONY
title-not-active = IDENTYFIKATOR NIEAKTYWNY
title-cannot-check = NIE MOŻNA SPRAWDZIĆ
title-clock-not-set = ZEGAR NIEUSTAWIONY
title-not-a-badge = TO NIE JEST IDENTYFIKATOR

qualified-for = Dopuszczono do: { $station }

reason-unknown-badge = Nie rozpoznano identyfikatora
reason-badge-replaced = Identyfikator wymieniony: użyj nowego
reason-on-leave = Osoba na urlopie
reason-terminated = Identyfikator nieważny: zatrudnienie zakończone
reason-clock-not-set = Zegar nie jest zsynchronizowany: wezwij utrzymanie ruchu
reason-server-unreachable = Serwer nieosiągalny ({ $detail })
reason-unreadable-answer = Nieczytelna odpowiedź serwera
reason-key-rejected = Klucz stanowiska odrzucony: zgłoś się do IT
reason-not-caliber-badge = To nie jest identyfikator Caliber
reason-server-error = Błąd serwera { $status }
reason-not-a-badge = Ten kod nie jest identyfikatorem Caliber
reason-other-site = Identyfikator z innego zakładu ({ $host })
reason-certificate-mismatch = Niezaufany certyfikat serwera ({ $fingerprint }): zgłoś się do IT
idle-server-certificate = Certyfikat serwera SHA-256 { $fingerprint }

skill-missing = { $skill } — brak certyfikatu
skill-expired = { $skill } — ważność wygasła { $date }
skill-expired-undated = { $skill } — ważność wygasła
skill-expiring = { $skill } — ważność wygasa { $date }
skill-retraining-due = { $skill } — ponowne szkolenie do { $date }
skill-outdated = { $skill } — nowa wersja: wymagane ponowne szkolenie
skill-level-too-low = { $skill } — poziom niższy niż wymagany

health-camera = KAMERA
health-server = SERWER
health-clock = ZEGAR
health-camera-short = KAM
health-server-short = SRW
health-clock-short = ZEG
health-ok = OK
health-fail = BŁĄD

date = { $day } { $month } { $year }
month-1 = sty
month-2 = lut
month-3 = mar
month-4 = kwi
month-5 = maj
month-6 = cze
month-7 = lip
month-8 = sie
month-9 = wrz
month-10 = paź
month-11 = lis
month-12 = gru
