# Caliber kiosk — Deutsch.

title-idle = AUSWEIS SCANNEN
title-qualified = QUALIFIZIERT
title-not-qualified = NICHT QUALIFIZIERT
title-unknown-badge = AUSWEIS UNBEKANNT
title-badge-replaced = AUSWEIS ERSETZT
title-not-active = NICHT AKTIV
title-cannot-check = PRÜFUNG NICHT MÖGLICH
title-clock-not-set = UHR NICHT GESTELLT
title-not-a-badge = KEIN AUSWEIS

qualified-for = Qualifiziert für { $station }

reason-unknown-badge = Ausweis nicht erkannt
reason-badge-replaced = Ausweis ersetzt: bitte den neuen Ausweis verwenden
reason-on-leave = Derzeit beurlaubt
reason-terminated = Ausweis ungültig: nicht mehr im Unternehmen
reason-clock-not-set = Die Uhr ist nicht synchronisiert: bitte Instandhaltung rufen
reason-server-unreachable = Server nicht erreichbar ({ $detail })
reason-unreadable-answer = Unlesbare Antwort vom Server
reason-key-rejected = Stationsschlüssel abgelehnt: bitte IT rufen
reason-not-caliber-badge = Kein Caliber-Ausweis
reason-server-error = Serverfehler { $status }
reason-not-a-badge = Dieser Code ist kein Caliber-Ausweis
reason-other-site = Ausweis eines anderen Standorts ({ $host })
reason-certificate-mismatch = Serverzertifikat nicht vertrauenswürdig ({ $fingerprint }): bitte IT rufen
idle-server-certificate = Serverzertifikat SHA-256 { $fingerprint }

skill-missing = { $skill } — nicht zertifiziert
skill-expired = { $skill } — abgelaufen am { $date }
skill-expired-undated = { $skill } — abgelaufen
skill-expiring = { $skill } — läuft ab am { $date }
skill-retraining-due = { $skill } — Nachschulung fällig am { $date }
skill-outdated = { $skill } — neue Revision: Nachschulung nötig
skill-level-too-low = { $skill } — Stufe unter der geforderten

health-camera = KAMERA
health-server = SERVER
health-clock = UHR
health-camera-short = KAM
health-server-short = SRV
health-clock-short = UHR
health-ok = OK
health-fail = FEHLER

date = { $day }. { $month } { $year }
month-1 = Jan.
month-2 = Feb.
month-3 = März
month-4 = Apr.
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = Aug.
month-9 = Sept.
month-10 = Okt.
month-11 = Nov.
month-12 = Dez.
