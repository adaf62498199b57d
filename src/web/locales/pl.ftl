# Caliber web UI — polski.

## Daty i liczby
date = { $day } { $month } { $year }
day-month = { $day } { $month }
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

## Nawigacja
nav-main = Menu główne
nav-dashboard = Pulpit
nav-employees = Pracownicy
nav-matrix = Macierz
nav-due = Terminy
nav-certify = Certyfikuj
nav-approvals = Zatwierdzenia
nav-skills = Umiejętności
nav-requirements = Wymagania
nav-stations = Stanowiska
nav-users = Użytkownicy
nav-audit = Dziennik audytu
nav-backups = Kopie zapasowe
nav-me = Moje uprawnienia
nav-account = Moje konto
log-out = Wyloguj
save = Zapisz

role-admin = Administrator
role-skill-manager = Menedżer umiejętności
role-trainer = Szkoleniowiec
role-auditor = Audytor
role-viewer = Przeglądający

## Błędy
error-forbidden = Brak uprawnień
error-not-found = Nie znaleziono
error-invalid = Sprawdź formularz
error-conflict = Nie można tego zrobić
error-slow-down = Zwolnij
error-too-many = Zbyt wiele żądań
error-too-many-wait = Zaczekaj chwilę i spróbuj ponownie.
error-internal = Coś poszło nie tak
error-internal-detail = Serwer nie mógł wykonać żądania; błąd został zapisany w dzienniku.
error-role-may-not = Twoja rola ({ $role }) nie pozwala { $action }.
error-form-expired = Ten formularz wygasł lub nie pochodzi z Caliber. Wróć, odśwież stronę i spróbuj ponownie.

## Logowanie
login-tagline = Macierz umiejętności i uprawnień
login-email = E-mail
login-password = Hasło
login-submit = Zaloguj
login-form-expired = Ten formularz logowania wygasł lub nie pochodzi z Caliber. Zaloguj się ponownie.
login-too-long = E-mail lub hasło jest za długie.
login-locked = Zbyt wiele nieudanych logowań. Spróbuj ponownie za { $minutes ->
        [one] { $minutes } minutę
        [few] { $minutes } minuty
       *[many] { $minutes } minut
    } albo poproś administratora.
login-disabled = To konto jest wyłączone. Poproś administratora.
login-wrong = Nieprawidłowy e-mail lub hasło.

## Kolumny
col-skill = Umiejętność
col-status = Stan
col-level = Poziom
col-expires = Ważne do
col-when = Kiedy
col-station = Stanowisko
col-who = Kto
col-verdict = Wynik
col-why = Powód

## Stany
status-valid = Ważne
status-expiring = Wygasa
status-retraining-due = Wymaga doszkolenia
status-level-low = Za niski poziom
status-outdated = Nieaktualne
status-expired = Wygasło
status-missing = Brak
status-extra = Dodatkowe

## Wyniki i powody
verdict-green = Wpuszczono
verdict-red = Odmówiono
verdict-amber = Nie oceniono (żółty)
reason-unknown-badge = Nieznany identyfikator
reason-badge-replaced = Identyfikator wymieniony: użyj nowego
reason-on-leave = Pracownik jest na urlopie
reason-terminated = Identyfikator nieważny: pracownik odszedł
reason-at-station = { $reason } (na stanowisku { $station })
new-revision = nowa wersja
skill-missing = { $skill } — brak certyfikatu
skill-expired = { $skill } — ważność wygasła { $date }
skill-expiring = { $skill } — ważność wygasa { $date }
skill-retraining-due = { $skill } — { $revision }: ponowne szkolenie do { $date }
skill-outdated = { $skill } — { $revision }: wymagane ponowne szkolenie
skill-level-too-low = { $skill } — poziom { $held } z wymaganych { $required }

## Pulpit
dash-compliance = Zgodność · { $site }
dash-qualified-of = { $qualified } z { $employees } pracowników z pełnymi uprawnieniami
dash-expiring-within = Wygasa w ciągu { $days } dni
dash-required-certifications = { $count ->
        [one] wymagany certyfikat
        [few] wymagane certyfikaty
       *[many] wymaganych certyfikatów
    }
dash-gaps = Braki według umiejętności
dash-no-gaps = Brak braków: wszyscy mają wszystkie wymagane umiejętności.
dash-not-qualified = Pracownicy bez uprawnień
dash-recent-scans = Ostatnie odczyty identyfikatorów
dash-no-scans = Brak odczytów.
dash-unknown-badge = nieznany identyfikator

## Moje uprawnienia
me-not-linked = Twoje konto nie jest powiązane z pracownikiem. Poproś administratora o powiązanie.
me-talk-to-trainer = Porozmawiaj ze szkoleniowcem o brakujących umiejętnościach.

## Moje konto
account-language = Język
account-language-browser = Jak w przeglądarce
account-language-help = Caliber mówi w języku Twojej przeglądarki, chyba że wybierzesz inny tutaj. Kioski mówią w języku każdego pracownika.
account-saved = Zapisano.

## Publiczna strona identyfikatora
badge-not-valid = Ten identyfikator jest nieważny.
badge-status-active = Status pracownika: aktywny
badge-status-leave = Status pracownika: na urlopie
badge-qualified = Uprawniony do przydzielonej pracy
badge-not-qualified = Brak uprawnień: stanowisko na linii odrzuciłoby ten identyfikator
badge-required-skills = Wymagane umiejętności
badge-no-skills = Nie są wymagane żadne umiejętności.
badge-checked = Sprawdzono { $when }
public-url-missing = Nie można jeszcze drukować identyfikatorów: Caliber nie zna adresu, który mają otwierać telefony i kioski (nie ustawiono public_url). Identyfikator wydrukowany teraz zawierałby adres używany przez tę przeglądarkę, np. 127.0.0.1, i byłby bezużyteczny na hali. Ustaw public_url w /etc/caliber/caliber.toml, na przykład public_url = "https://caliber.plant.local", i uruchom ponownie Caliber.

## Wspólne słowa
edit = Edytuj
revoke = Cofnij
filter = Filtruj
page-previous = Poprzednia
page-next = Następna
page-of = Strona { $page } z { $pages }
col-number = Numer
col-name = Imię i nazwisko
col-site = Zakład
col-department = Dział
col-role = Stanowisko pracy
col-project = Projekt
col-achieved = Uzyskano
col-state = Stan
col-what = Co
filter-all-sites = Wszystkie zakłady
filter-all-departments = Wszystkie działy
filter-all-roles = Wszystkie stanowiska pracy
filter-all-projects = Wszystkie projekty
filter-any-status = Dowolny status
verdict-word-green = zielony
verdict-word-red = czerwony
verdict-word-amber = żółty

## Pracownicy
emp-name-or-number = Imię, nazwisko lub numer
emp-count = { $count ->
        [one] { $count } pracownik
        [few] { $count } pracowników
       *[many] { $count } pracowników
    }
emp-new = Nowy pracownik
emp-edit = Edytuj pracownika
emp-edit-title = Edycja: { $name }
emp-print-badges = Drukuj identyfikatory
emp-print-badge = Drukuj identyfikator
emp-number = Numer pracownika
emp-full-name = Imię i nazwisko
emp-projects = Projekty
emp-status-active = aktywny
emp-status-leave = na urlopie
emp-status-terminated = odszedł
emp-choose-site = Wybierz zakład.
emp-employee-number = Pracownik { $number }
emp-own-verdict = Wynik dla własnych przydziałów
emp-qr-alt = Kod QR identyfikatora: { $name }
emp-certify = Certyfikuj: { $name }
emp-regenerate-summary = Wygeneruj nowy identyfikator (zgubiony)
emp-regenerate-confirm = Stary identyfikator natychmiast przestaje działać. Trzeba wydrukować nowy.
emp-regenerate = Wygeneruj nowy identyfikator
emp-regenerate-tick = Zaznacz pole, aby potwierdzić, że stary identyfikator przestanie działać.
emp-qualification = Uprawnienia
emp-achieved-required = Uzyskany / wymagany
emp-required-by = Wymagane przez
emp-needs-retraining = { $revision }: wymagane ponowne szkolenie
emp-cert-history = Historia certyfikatów
emp-revoked = Cofnięto { $date }, { $by }: { $reason }
emp-on-superseded = Na zastąpionej wersji { $revision }
emp-live = Ważny
emp-audit-history = Historia audytu

## Terminy
due-all = wszystkie
due-within = W ciągu
due-days = dni
due-hide-expired = ukryj już wygasłe
due-line = Linia
due-supervisor = Przełożony
due-show = Pokaż
due-csv = CSV tej listy
due-days-left = Dni
due-employee = Pracownik
due-summary-expire = { $count ->
        [one] { $count } wymagany certyfikat wygasa
        [few] { $count } wymagane certyfikaty wygasają
       *[many] { $count } wymaganych certyfikatów wygasa
    } w ciągu { $days } dni.
due-summary-expired-or-expire = { $count ->
        [one] { $count } wymagany certyfikat wygasł lub wygasa
        [few] { $count } wymagane certyfikaty wygasły lub wygasają
       *[many] { $count } wymaganych certyfikatów wygasło lub wygasa
    } w ciągu { $days } dni.

## Macierz
filter-all = Wszystkie
none = Brak.
n-of-m = { $n } z { $m }
col-revision = Wersja
col-evidence = Dowód
cell-valid = OK
cell-expiring = Wkrótce
cell-retraining-due = Doszkolić wkrótce
cell-level-low = Niski
cell-outdated = Doszkolić
matrix-has-status = Ze stanem
matrix-any = Dowolny
matrix-skill-contains = Umiejętność zawiera
matrix-show-inactive = Pokaż pracowników na urlopie lub byłych
matrix-export-csv = Eksportuj CSV
matrix-legend = L2 = uzyskany poziom; L1/2 = 1 z 2 wymaganych. Otwórz komórkę, by zobaczyć źródła, daty i dowody.
matrix-shown = Pracownicy { $first }–{ $last } z { $employees } × umiejętności { $skills } z { $all_skills }
matrix-employees-page = Strona pracowników
matrix-skills-page = Strona umiejętności
cell-neither = { $name } nie musi mieć umiejętności { $skill } i nie ma w niej certyfikatu.
cell-level-achieved-required = Poziom uzyskany / wymagany
cell-max = maks. { $max }
cell-not-required = niewymagana (umiejętność dodatkowa)
cell-certifications-in = Certyfikaty: { $skill }
cell-revoked = Cofnięto { $date }: { $reason }
cell-counts = Liczy się
cell-certify = Certyfikuj: { $name } — { $skill }

## Zatwierdzenia
col-certified-by = Certyfikował(a)
approvals-intro = Certyfikaty umiejętności z zasadą czterech oczu liczą się dopiero po zatwierdzeniu przez drugiego szkoleniowca lub menedżera umiejętności. Nie możesz zatwierdzić własnych.
approvals-none = Nic nie czeka na zatwierdzenie.
approvals-yours = Twój: zatwierdza inna osoba
approvals-approve = Zatwierdź
approvals-reason = Powód odrzucenia
approvals-reject = Odrzuć

## Stanowiska
stations-extra-skills = Dodatkowe umiejętności
stations-screen-now = Bieżący ekran
stations-key = Klucz
stations-rotate-key = Zmień klucz
stations-new = Nowe stanowisko
stations-extra-skill = Dodatkowa umiejętność (poziom 1)
stations-create = Utwórz stanowisko
stations-key-shown-once = Klucz stanowiska { $station } jest pokazywany tylko teraz. Wpisz go w kiosku do pliku
stations-back = Powrót do stanowisk
stations-key-title = Klucz stanowiska

## Certyfikacja i cofnięcie
certify-nothing-certified = Niczego nie certyfikowano. Popraw zaznaczone pola i wyślij ponownie.
certify-help = Pracownicy według numeru, identyfikatora (zeskanuj go: adres z kodu QR lub sam token) albo dokładnego imienia i nazwiska. Przy wielu osobach jedna na wiersz; certyfikowana jest cała lista albo nic.
certify-pick = Znajdź pracownika (wpisz imię, nazwisko lub numer albo zeskanuj identyfikator)
certify-employees = Pracownicy, jeden na wiersz
certify-line = Wiersz { $line }
certify-skill-max = { $skill } (maks. L{ $max })
certify-level = Uzyskany poziom
certify-date = Data uzyskania
certify-revision = Wersja, na której szkolono
certify-active-revision = Aktywna wersja umiejętności
certify-superseded = zastąpiona
certify-notes = Uwagi
certify-done = Certyfikowano: { $names }
certify-assessor = Oceniający
certify-assessor-me = Ty (zostaw puste, jeśli oceniałeś sam)
certify-assessor-help = Kto przeprowadził ocenę, jeśli nie ty: szkoleniowiec bez konta, zewnętrzny egzaminator.
certify-evidence = Dowody
certify-evidence-help = PDF lub zdjęcia (PNG, JPEG, GIF, WebP), łącznie do { $mb } MB; zapisywane przy każdym certyfikacie z tego formularza.
certify-evidence-kept = Zachowane z poprzedniego wysłania
certify-evidence-too-large = Pliki mają łącznie ponad { $mb } MB; wybierz mniej plików lub mniejsze.
certify-evidence-broken = Pliki nie dotarły w całości; wybierz je ponownie.
certify-done-evidence = Załączone dowody: { $count } plik(i).
cert-recorded-by = zarejestrował(a) { $by }
col-assessor = Oceniający
revoke-title = Cofnij certyfikat
revoke-what = Cofnij certyfikat: { $name }, { $skill } (poziom { $level }, { $date }).
revoke-already = Już cofnięty.
revoke-effect = Skutek
revoke-not-listed = brak na liście
revoke-reason = Powód (wymagany)
revoke-confirm = Potwierdzam cofnięcie
revoke-tick = Zaznacz pole, aby potwierdzić cofnięcie.

## Pierwsza konfiguracja
setup-title = Konfiguracja Caliber
setup-short = Konfiguracja
setup-intro = To urządzenie nie ma jeszcze administratora. Wpisz kod konfiguracji widoczny na jego ekranie (lub konsoli), a potem wybierz login administratora.
setup-code = Kod konfiguracji
setup-email = E-mail administratora
setup-password = Hasło (co najmniej { $min } znaków)
setup-password-again = Powtórz hasło
setup-create = Utwórz administratora
setup-passwords-differ = Hasła się różnią.

## Kopie zapasowe
yes = tak
backup-failed = Ostatnia kopia zapasowa NIE POWIODŁA SIĘ
backup-overdue = Kopie zapasowe ZALEGŁE: ostatnia poprawna jest z { $when }.
backup-never = Na tym urządzeniu nie wykonano jeszcze kopii zapasowej.
backup-last = Ostatnia kopia { $when }
backup-stick = Pamięć USB { $when }
backup-stick-ok = { $count ->
        [one] { $count } pakiet skopiowany i sprawdzony, można wyjąć.
        [few] { $count } pakiety skopiowane i sprawdzone, można wyjąć.
       *[many] { $count } pakietów skopiowanych i sprawdzonych, można wyjąć.
    }
backup-fingerprint = Odcisk klucza urządzenia (zarejestruj go w archiwum centralnym)
backup-encryption = Szyfrowanie
backup-encrypted = Odbiorcy skonfigurowani: pakiety są podpisane i zaszyfrowane kluczem archiwum (age), więc zgubiona pamięć niczego nie ujawni.
backup-no-recipients = Brak odbiorców: pakiety są
backup-signed-not-encrypted = podpisane, ale niezaszyfrowane
backup-set-recipients = Ustaw backup_recipients w /etc/caliber/caliber.toml na odbiorcę age archiwum.
backup-schedule = Harmonogram
backup-every = co { $hours } h, zachowywane { $keep } najnowszych
backup-on-demand = tylko na żądanie, zachowywane { $keep } najnowszych
backup-running = Trwa zapis kopii (rozpoczęty { $when }). Strona odświeży się sama po zakończeniu.
backup-now = Utwórz kopię teraz
backup-bundles = Pakiety na tym urządzeniu
backup-none-yet = Jeszcze brak.
backup-sequence = Numer
backup-written = Zapisano
backup-size = Rozmiar
backup-encrypted-col = Zaszyfrowany
backup-result = Wynik
backup-signed-only = nie, tylko podpisany
backup-written-synced = zapisany i zsynchronizowany
backup-download = Pobierz
backup-no-such-bundle = Nie ma pakietu o nazwie { $name }.

## Użytkownicy
col-role-app = Rola
users-person = Osoba
users-active = Aktywny
users-active-word = aktywny
users-disabled = wyłączony
users-last-login = Ostatnie logowanie
users-login-lock = Blokada logowania
users-change = Zmień
users-not-linked = niepowiązany z pracownikiem
users-never = nigdy
users-locked = Zablokowany
users-unlock = Odblokuj
users-new-password-optional = Nowe hasło (opcjonalnie)
users-new-password = Nowe hasło
users-link-employee = Powiąż numer pracownika
users-new = Nowy użytkownik
users-password-min = Hasło (co najmniej 10 znaków)
users-employee-number-optional = Numer pracownika (opcjonalnie)
users-create = Utwórz użytkownika

## Dziennik audytu
audit-verified = Łańcuch audytu zweryfikowany: zdarzeń { $events }, żadne nie zostało zmienione ani nie zginęło.
audit-broken = ŁAŃCUCH AUDYTU PRZERWANY
audit-who-contains = Kto (e-mail zawiera)
audit-record-contains = Rekord (nazwa lub id zawiera)
audit-kind = Rodzaj
audit-from = Od
audit-to = Do
audit-pages = Strony dziennika
audit-newer = Nowsze
audit-older = Starsze
audit-page = Strona { $page }
audit-no-events = Brak pasujących zdarzeń.
audit-when-utc = Kiedy (UTC)
audit-record = Rekord
audit-changes = Zmiany

## Umiejętności
search = Szukaj
no = nie
skills-code = Kod
skills-levels = Poziomy
skills-levels-range = poziomy 1–{ $max }
skills-valid-for = Ważność
skills-active-revision = Aktywna wersja
skills-months = { $months ->
        [one] { $months } miesiąc
        [few] { $months } miesiące
       *[many] { $months } miesięcy
    }
skills-valid-months = ważna { $months ->
        [one] { $months } miesiąc
        [few] { $months } miesiące
       *[many] { $months } miesięcy
    }
skills-never-expires = bezterminowa
skills-new = Nowa umiejętność
skills-validity-field = Ważność (miesiące, puste = bezterminowo)
skills-validity-invalid = Ważność musi być liczbą miesięcy.
skills-description = Opis
skills-create = Utwórz umiejętność
skills-revisions = Wersje
skills-label = Etykieta
skills-effective = Obowiązuje od
skills-retraining = Ponowne szkolenie
skills-grace = Okres przejściowy
skills-change-log = Zmiany
skills-required = wymagane
skills-days = { $days ->
        [one] { $days } dzień
       *[other] { $days } dni
    }
skills-activate = Aktywuj
skills-roll-back = Wycofaj
skills-edit = Edytuj umiejętność
skills-new-revision = Nowa wersja (szkic)
skills-what-changed = Co się zmieniło
skills-must-retrain = Wszyscy wcześniej certyfikowani muszą przejść ponowne szkolenie
skills-add-draft = Dodaj szkic
skills-scope = Zakres

## Aktywacja wersji
cancel = Anuluj
activate-title = Aktywuj wersję
activate-grace-invalid = okres przejściowy „{ $text }” nie jest liczbą dni
activate-now = Teraz
activate-retrain-by = Doszkolić do
activate-refused-at = Odmowa na
activate-replaces = Aktywacja { $revision } archiwizuje { $old }.
activate-first = Aktywacja { $revision }.
activate-effective = Obowiązuje od
activate-grace = Okres przejściowy na doszkolenie (dni, 0 = brak)
activate-update = Odśwież podgląd
activate-nobody = Nikt nie przechodzi w stan WYMAGA DOSZKOLENIA ani NIEAKTUALNE.
activate-due = { $count ->
        [one] { $count } pracownik przechodzi
        [few] { $count } pracowników przechodzi
       *[many] { $count } pracowników przechodzi
    } w stan WYMAGA DOSZKOLENIA: mogą pracować do końca okresu przejściowego, potem odmowa na wymienionych stanowiskach:
activate-outdated = { $count ->
        [one] { $count } pracownik staje się
        [few] { $count } pracowników staje się
       *[many] { $count } pracowników staje się
    } NIEAKTUALNY i dostanie odmowę na wymienionych stanowiskach do czasu doszkolenia:
activate-button = Aktywuj { $revision }

## Wymagania
delete = Usuń
req-add-title = Dodaj wymaganie
req-preview = Pokaż skutki
req-add = Dodaj wymaganie
req-applies-to = Dotyczy
req-required-level = Wymagany poziom
req-choose-skill = Wybierz umiejętność.
req-give-level = Podaj nowy poziom.
req-preview-add = Dodaj { $skill } na poziomie { $level } dla: { $scope }
req-preview-level = Zmień { $skill } dla: { $scope } z poziomu { $old } na poziom { $level }
req-preview-delete = Usuń wymaganie { $skill } na poziomie { $level } dla: { $scope }
req-applies = Wiersz dotyczy pracowników: { $count }.
req-impact-failing = Pracownicy, którzy straciliby kwalifikację w { $skill }: { $count }. Są na początku listy, ze stanowiskami, które by ich odrzuciły.
req-impact-nobody = Niczyj status się nie zmienia.
req-impact-no-failing = Nikt nie traci kwalifikacji; zmienia się status pracowników: { $count }.
req-status-now = Teraz
req-status-after = Potem
req-allowed-at = Wpuszczony na
req-confirm-level = Zmień na poziom { $level }
req-confirm-delete = Usuń wymaganie
req-preview-change = Pokaż zmianę…
skills-roll-back-confirm = Wycofaj tę wersję i przywróć poprzednią jako aktywną
skills-roll-back-tick = Zaznacz pole, aby potwierdzić wycofanie.

## Arkusz identyfikatorów
badges-title = Identyfikatory
badges-print = Drukuj
badges-sheet = { $count ->
        [one] { $count } identyfikator.
        [few] { $count } identyfikatory.
       *[many] { $count } identyfikatorów.
    } Drukuj w skali 100% na kartach CR80 lub wytnij wzdłuż linii przerywanych.
badges-range = Identyfikatory { $first }–{ $last } z { $count }.
badges-pages = Strony
badges-all-on-one = Wszystkie ({ $count }) na jednej stronie
badges-paged = { $size } na stronę
badges-none = Brak osób do wydrukowania dla tego wyboru.
emp-badge-printers-only = Identyfikatory drukują administratorzy i menedżerowie umiejętności.

## Actions
action-manage-users = zarządzać użytkownikami
action-manage-revisions = zarządzać wersjami
action-manage-stations = zarządzać stanowiskami
action-manage-requirements = zarządzać wymaganiami
action-approve-certifications = zatwierdzać certyfikatów
action-view-the-matrix = oglądać macierzy
action-view-skills = oglądać umiejętności
action-revoke-certifications = cofać certyfikatów
action-print-badges = drukować identyfikatorów
action-manage-skills = zarządzać umiejętnościami
action-edit-employees = edytować pracowników
action-create-employees = tworzyć pracowników
action-certify = certyfikować
action-view-the-audit-log = oglądać dziennika audytu
action-view-station-screens = oglądać ekranów stanowisk
action-view-requirements = oglądać wymagań
action-view-evidence = oglądać dowodów
action-view-employees = oglądać pracowników
action-regenerate-badges = generować nowych identyfikatorów
action-manage-backups = zarządzać kopiami zapasowymi
action-make-backups = tworzyć kopii zapasowych
action-export-the-matrix = eksportować macierzy
action-export-the-audit-log = eksportować dziennika audytu
action-download-backups = pobierać kopii zapasowych

coverage-title = Kto może teraz obsługiwać każde stanowisko
coverage-explain = Liczone według tych samych zasad co kioski. Stanowisko z mniej niż { $minimum } osobami z uprawnieniami stanie przy jednej nieobecności; „wygasające” mają uprawnienia teraz, ale nie za { $days } dni; „zablokowani” to osoby z linii stanowiska, które zostałyby teraz odrzucone.
coverage-qualified = Uprawnieni teraz
coverage-lapsing = Wkrótce wygasa
coverage-blocked = Zablokowani na swojej linii
coverage-below-minimum = Poniżej minimum
coverage-stations = Stanowiska
coverage-lowest = Najniższe pokrycie
stations-keys = Klucze stanowisk
emp-language = Język kiosku
emp-language-station = Jak mówi stanowisko

## Import, eksport, plan szkoleń i współczynnik autobusowy
nav-import = Import
nav-training = Plan szkoleń
action-import-records = importować rekordy
action-export-records = eksportować rekordy
due-training-plan = Plan szkoleń dla tego wyboru
skills-training-plan = Plan szkoleń dla tej umiejętności: kto jej potrzebuje i do kiedy
dash-bus-factor = Stanowiska poniżej minimalnej obsady
dash-bus-factor-below = mniej niż { $minimum } osób z uprawnieniami teraz
dash-bus-factor-title = Współczynnik autobusowy: stanowiska z za małą liczbą uprawnionych
dash-bus-factor-explain = { $count ->
        [one] { $count } stanowisko ma
        [few] { $count } stanowiska mają
       *[many] { $count } stanowisk ma
    } mniej niż { $minimum } osób uprawnionych do obsługi teraz: jedna lub dwie nieobecności zatrzymują linię. Otwórz stanowisko, aby zobaczyć, kto ma uprawnienia, komu wkrótce wygasają i kto jest zablokowany.
import-help = Wczytaj pracowników lub historię ich szkoleń z arkusza kalkulacyjnego. Podgląd pokazuje, co zrobi każdy wiersz; nic nie jest zapisywane przed importem, a wtedy wszystkie wiersze albo żaden.
import-kind = Zawartość pliku
import-kind-employees = Pracownicy
import-kind-certifications = Certyfikaty
import-file = Plik CSV lub XLSX
import-file-help = Najwyżej { $mib } MiB. Pierwszy wiersz nazywa kolumny; eksporty poniżej mają kształt, który odczytuje import.
import-create-missing = Utwórz zakłady, działy, role, linie i umiejętności, które plik wymienia, a których Caliber jeszcze nie ma
import-preview = Podgląd
import-preview-title = Podgląd importu
import-columns = Kolumny
import-columns-optional = opcjonalne:
import-columns-help = Nagłówki są rozpoznawane po nazwie i typowych synonimach (Employee No, Dept, Job Title, Lines, Valid until…); daty w formacie RRRR-MM-DD; zakłady, działy, role, linie i umiejętności po kodzie lub nazwie.
import-export-title = Eksport
import-export-help = Te same kolumny, które odczytuje import: wyeksportuj, edytuj w arkuszu, zaimportuj ponownie.
import-export-employees = Pracownicy (CSV)
import-export-certifications = Certyfikaty (CSV)
import-too-large = Plik jest większy niż { $mib } MiB; podziel go na mniejsze pliki.
import-unreadable-upload = Nie udało się odczytać przesłanych danych; wybierz plik i spróbuj ponownie.
import-not-an-upload = Ten formularz wysyła plik: użyj strony importu.
import-choose-kind = Wybierz pracowników lub certyfikaty.
import-choose-file = Wybierz plik CSV lub XLSX.
import-created = nowy
import-updated = zmieniony
import-unchanged = bez zmian
import-rejected = odrzucony
import-counts = Wiersze: { $rows }; nowe: { $created }, zmienione: { $updated }, bez zmian: { $unchanged }, odrzucone: { $rejected }.
import-ignored-columns = Pominięte kolumny (nieznane): { $columns }
import-would-create = Import utworzyłby także:
import-created-references = Utworzono także:
import-fix-rejected = { $rejected ->
        [one] { $rejected } wiersz jest odrzucony
        [few] { $rejected } wiersze są odrzucone
       *[many] { $rejected } wierszy jest odrzuconych
    }: popraw je w pliku i prześlij go ponownie. Dopóki jakiś wiersz jest odrzucony, nic nie zostanie zaimportowane.
import-nothing-to-change = Nic do zmiany: każdy wiersz odpowiada temu, co zawiera Caliber.
import-commit = Importuj ten plik ({ $changes ->
        [one] { $changes } zmiana
        [few] { $changes } zmiany
       *[many] { $changes } zmian
    })
import-another = Importuj inny plik
import-line = Wiersz
import-record = Rekord
import-detail = Powód lub zmiana
import-preview-expired = Ten podgląd wygasł lub należy do innego logowania: prześlij plik ponownie.
import-done-title = Zaimportowano
import-done = Zaimportowano { $file }.
import-no-such-export = Nie ma eksportu o nazwie { $file }.
days-not-a-number = „{ $days }” nie jest liczbą dni
plan-reason-missing = brak szkolenia
plan-reason-expired = wygasło
plan-reason-outdated = zaległe ponowne szkolenie
plan-reason-level = za niski poziom
plan-reason-retraining = wymagane ponowne szkolenie
plan-reason-expiring = wkrótce wygasa
plan-due-now = teraz
plan-scope-skill-line = { $skill } na linii { $line }
plan-scope-skill = { $skill }
plan-scope-line = Linia { $line }
plan-scope-all = Cały zakład
plan-expiring-within = Wygasa w ciągu
plan-csv = CSV tego planu
plan-sheet = Lista zapisów do druku
plan-summary = Potrzebne szkolenia: { $trainings }, osoby: { $people } (brak, wygasłe, nieaktualne, za niski poziom, wymagane ponowne szkolenie lub wygasające w ciągu { $days } dni).
plan-due = Termin
plan-reason = Powód
plan-levels = Poziom posiadany / wymagany
plan-number = Numer
plan-signature = Podpis
plan-sheet-page = Listy zapisów
plan-sheet-title = Lista zapisów na szkolenie: { $skill }
plan-sheet-date = Data
plan-sheet-time = Godzina
plan-sheet-place = Miejsce
plan-sheet-trainer = Prowadzący
plan-printed = wydrukowano { $date }
plan-sheet-count = Listy: { $sheets }, nazwiska: { $trainings }.
plan-back = Powrót do planu
plan-nobody = W tym wyborze nikt nie potrzebuje szkolenia.
