# Caliber web UI — Deutsch.

## Datum und Zahlen
date = { $day }. { $month } { $year }
day-month = { $day }. { $month }
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

## Navigation
nav-main = Hauptmenü
nav-dashboard = Übersicht
nav-employees = Mitarbeitende
nav-matrix = Matrix
nav-due = Fällig
nav-certify = Zertifizieren
nav-approvals = Freigaben
nav-skills = Qualifikationen
nav-requirements = Anforderungen
nav-stations = Stationen
nav-users = Benutzer
nav-audit = Prüfprotokoll
nav-backups = Sicherungen
nav-me = Meine Qualifikationen
nav-account = Mein Konto
log-out = Abmelden
save = Speichern

role-admin = Administrator
role-skill-manager = Qualifikationsverwaltung
role-trainer = Trainer
role-auditor = Prüfer
role-viewer = Leser

## Fehler
error-forbidden = Nicht erlaubt
error-not-found = Nicht gefunden
error-invalid = Bitte das Formular prüfen
error-conflict = Nicht möglich
error-slow-down = Langsamer, bitte
error-too-many = Zu viele Anfragen
error-too-many-wait = Bitte einen Moment warten und erneut versuchen.
error-internal = Etwas ist schiefgelaufen
error-internal-detail = Der Server konnte die Anfrage nicht ausführen; der Fehler wurde protokolliert.
error-role-may-not = Mit Ihrer Rolle ({ $role }) dürfen Sie nicht { $action }.
error-form-expired = Dieses Formular ist abgelaufen oder stammt nicht von Caliber. Bitte zurückgehen, die Seite neu laden und erneut versuchen.

## Anmeldung
login-tagline = Qualifikationsmatrix
login-email = E-Mail
login-password = Passwort
login-submit = Anmelden
login-form-expired = Dieses Anmeldeformular ist abgelaufen oder stammt nicht von Caliber. Bitte erneut anmelden.
login-too-long = E-Mail oder Passwort ist zu lang.
login-locked = Zu viele fehlgeschlagene Anmeldungen. Bitte in { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    } erneut versuchen oder einen Administrator fragen.
login-disabled = Dieses Konto ist deaktiviert. Bitte einen Administrator fragen.
login-wrong = E-Mail oder Passwort falsch.

## Spalten
col-skill = Qualifikation
col-status = Status
col-level = Stufe
col-expires = Gültig bis
col-when = Wann
col-station = Station
col-who = Wer
col-verdict = Ergebnis
col-why = Grund

## Status
status-valid = Gültig
status-expiring = Läuft ab
status-retraining-due = Nachschulung fällig
status-level-low = Stufe zu niedrig
status-outdated = Veraltet
status-expired = Abgelaufen
status-missing = Fehlt
status-extra = Zusätzlich

## Ergebnisse und Gründe
verdict-green = Zugelassen
verdict-red = Abgewiesen
verdict-amber = Nicht beurteilt (gelb)
reason-unknown-badge = Ausweis nicht erkannt
reason-badge-replaced = Ausweis ersetzt: bitte den neuen Ausweis verwenden
reason-on-leave = Mitarbeiter ist beurlaubt
reason-terminated = Ausweis ungültig: Mitarbeiter ist ausgeschieden
reason-at-station = { $reason } (an { $station })
new-revision = neue Revision
skill-missing = { $skill } — nicht zertifiziert
skill-expired = { $skill } — abgelaufen am { $date }
skill-expiring = { $skill } — läuft ab am { $date }
skill-retraining-due = { $skill } — { $revision }: Nachschulung fällig am { $date }
skill-outdated = { $skill } — { $revision }: Nachschulung nötig
skill-level-too-low = { $skill } — Stufe { $held } von { $required } erforderlich

## Übersicht
dash-compliance = Erfüllungsgrad · { $site }
dash-qualified-of = { $qualified } von { $employees } Mitarbeitenden voll qualifiziert
dash-expiring-within = Läuft ab in { $days } Tagen
dash-required-certifications = { $count ->
        [one] erforderliche Zertifizierung
       *[other] erforderliche Zertifizierungen
    }
dash-gaps = Lücken nach Qualifikation
dash-no-gaps = Keine Lücken: alle haben jede erforderliche Qualifikation.
dash-not-qualified = Nicht qualifizierte Mitarbeitende
dash-recent-scans = Letzte Ausweis-Scans
dash-no-scans = Noch keine Scans.
dash-unknown-badge = unbekannter Ausweis

## Meine Qualifikationen
me-not-linked = Ihr Login ist mit keinem Mitarbeiterdatensatz verknüpft. Bitte einen Administrator, ihn zu verknüpfen.
me-talk-to-trainer = Sprechen Sie mit Ihrem Trainer über die fehlenden Qualifikationen.

## Mein Konto
account-language = Sprache
account-language-browser = Wie mein Browser
account-language-help = Caliber spricht die Sprache Ihres Browsers, außer Sie wählen hier eine. Terminals sprechen die Sprache jedes Mitarbeiters.
account-saved = Gespeichert.

## Öffentliche Ausweisseite
badge-not-valid = Dieser Ausweis ist nicht gültig.
badge-status-active = Beschäftigungsstatus: aktiv
badge-status-leave = Beschäftigungsstatus: beurlaubt
badge-qualified = Qualifiziert für die zugewiesene Arbeit
badge-not-qualified = Nicht qualifiziert: eine Linienstation würde diesen Ausweis abweisen
badge-required-skills = Erforderliche Qualifikationen
badge-no-skills = Keine Qualifikationen erforderlich.
badge-checked = Geprüft am { $when }
public-url-missing = Ausweise können noch nicht gedruckt werden: Caliber kennt die Adresse nicht, die Telefone und Terminals öffnen sollen (public_url ist nicht gesetzt). Ein jetzt gedruckter Ausweis trüge die Adresse, die dieser Browser verwendet, etwa 127.0.0.1, und wäre in der Halle nutzlos. Setzen Sie public_url in /etc/caliber/caliber.toml, zum Beispiel public_url = "https://caliber.plant.local", und starten Sie Caliber neu.

## Allgemeine Wörter
edit = Bearbeiten
revoke = Widerrufen
filter = Filtern
page-previous = Zurück
page-next = Weiter
page-of = Seite { $page } von { $pages }
col-number = Nummer
col-name = Name
col-site = Standort
col-department = Abteilung
col-role = Funktion
col-project = Projekt
col-achieved = Erworben
col-state = Zustand
col-what = Was
filter-all-sites = Alle Standorte
filter-all-departments = Alle Abteilungen
filter-all-roles = Alle Funktionen
filter-all-projects = Alle Projekte
filter-any-status = Jeder Status
verdict-word-green = grün
verdict-word-red = rot
verdict-word-amber = gelb

## Mitarbeitende
emp-name-or-number = Name oder Nummer
emp-count = { $count ->
        [one] { $count } Mitarbeiter
       *[other] { $count } Mitarbeitende
    }
emp-new = Neuer Mitarbeiter
emp-edit = Mitarbeiter bearbeiten
emp-edit-title = { $name } bearbeiten
emp-print-badges = Ausweise drucken
emp-print-badge = Ausweis drucken
emp-number = Personalnummer
emp-full-name = Vollständiger Name
emp-projects = Projekte
emp-status-active = aktiv
emp-status-leave = beurlaubt
emp-status-terminated = ausgeschieden
emp-choose-site = Bitte einen Standort wählen.
emp-employee-number = Mitarbeiter { $number }
emp-own-verdict = Ergebnis für eigene Aufgaben
emp-qr-alt = QR-Code des Ausweises von { $name }
emp-certify = { $name } zertifizieren
emp-regenerate-summary = Neuen Ausweis erzeugen (Ausweis verloren)
emp-regenerate-confirm = Der alte Ausweis ist sofort ungültig. Ein neuer Ausweis muss gedruckt werden.
emp-regenerate = Neuen Ausweis erzeugen
emp-regenerate-tick = Bitte das Kästchen ankreuzen, um zu bestätigen, dass der alte Ausweis ungültig wird.
emp-qualification = Qualifikation
emp-achieved-required = Erreicht / erforderlich
emp-required-by = Gefordert durch
emp-needs-retraining = { $revision }: Nachschulung nötig
emp-cert-history = Zertifizierungsverlauf
emp-revoked = Widerrufen am { $date } von { $by }: { $reason }
emp-on-superseded = Auf abgelöster Revision { $revision }
emp-live = Gültig
emp-audit-history = Prüfverlauf

## Fällig
due-all = alle
due-within = Innerhalb von
due-days = Tagen
due-hide-expired = bereits abgelaufene ausblenden
due-line = Linie
due-supervisor = Vorgesetzte
due-show = Anzeigen
due-csv = CSV dieser Liste
due-days-left = Tage
due-employee = Mitarbeiter
due-summary-expire = { $count ->
        [one] { $count } erforderliche Zertifizierung läuft
       *[other] { $count } erforderliche Zertifizierungen laufen
    } innerhalb von { $days } Tagen ab.
due-summary-expired-or-expire = { $count ->
        [one] { $count } erforderliche Zertifizierung ist abgelaufen oder läuft
       *[other] { $count } erforderliche Zertifizierungen sind abgelaufen oder laufen
    } innerhalb von { $days } Tagen ab.

## Matrix
filter-all = Alle
none = Keine.
n-of-m = { $n } von { $m }
col-revision = Revision
col-evidence = Nachweis
cell-valid = OK
cell-expiring = Bald
cell-retraining-due = Nachschulung fällig
cell-level-low = Niedrig
cell-outdated = Nachschulen
matrix-has-status = Mit Status
matrix-any = Beliebig
matrix-skill-contains = Qualifikation enthält
matrix-show-inactive = Beurlaubte und Ausgeschiedene zeigen
matrix-export-csv = CSV exportieren
matrix-legend = L2 = erreichte Stufe; L1/2 = 1 von 2 erforderlich. Eine Zelle öffnen für Quellen, Daten und Nachweise.
matrix-shown = Mitarbeitende { $first }–{ $last } von { $employees } × Qualifikationen { $skills } von { $all_skills }
matrix-employees-page = Seite der Mitarbeitenden
matrix-skills-page = Seite der Qualifikationen
cell-neither = { $name } braucht { $skill } nicht und ist darin nicht zertifiziert.
cell-level-achieved-required = Erreichte / erforderliche Stufe
cell-max = max. { $max }
cell-not-required = nicht erforderlich (zusätzliche Qualifikation)
cell-certifications-in = Zertifizierungen in { $skill }
cell-revoked = Widerrufen am { $date }: { $reason }
cell-counts = Zählt
cell-certify = { $name } in { $skill } zertifizieren

## Freigaben
col-certified-by = Zertifiziert von
approvals-intro = Zertifizierungen in Qualifikationen mit Vier-Augen-Prinzip zählen erst, wenn ein zweiter Trainer oder eine Qualifikationsverwaltung sie freigibt. Eigene können Sie nicht freigeben.
approvals-none = Nichts wartet auf Freigabe.
approvals-yours = Ihre: eine andere Person gibt frei
approvals-approve = Freigeben
approvals-reason = Grund der Ablehnung
approvals-reject = Ablehnen

## Stationen
stations-extra-skills = Zusätzliche Qualifikationen
stations-screen-now = Aktueller Bildschirm
stations-key = Schlüssel
stations-rotate-key = Schlüssel erneuern
stations-new = Neue Station
stations-extra-skill = Zusätzliche Qualifikation (Stufe 1)
stations-create = Station anlegen
stations-key-shown-once = Der Schlüssel von { $station } wird nur jetzt angezeigt. Tragen Sie ihn am Terminal ein in
stations-back = Zurück zu den Stationen
stations-key-title = Stationsschlüssel

## Zertifizieren und widerrufen
certify-nothing-certified = Es wurde nichts zertifiziert. Bitte die markierten Felder korrigieren und erneut senden.
certify-help = Mitarbeitende per Nummer, Ausweis (scannen: die QR-URL oder das Token) oder exaktem Namen. Für mehrere einen pro Zeile; die ganze Liste wird zertifiziert oder gar nichts.
certify-pick = Mitarbeiter suchen (Name oder Nummer eingeben oder Ausweis scannen)
certify-employees = Mitarbeitende, einer pro Zeile
certify-line = Zeile { $line }
certify-skill-max = { $skill } (max. L{ $max })
certify-level = Erreichte Stufe
certify-date = Datum
certify-revision = Geschulte Revision
certify-active-revision = Die aktive Revision der Qualifikation
certify-superseded = abgelöst
certify-notes = Notizen
certify-done = Zertifiziert: { $names }
certify-assessor = Geprüft von
certify-assessor-me = Sie (leer lassen, wenn Sie geprüft haben)
certify-assessor-help = Wer geprüft hat, wenn nicht Sie: ein Trainer ohne Anmeldung, ein externer Prüfer.
certify-evidence = Nachweise
certify-evidence-help = PDF oder Fotos (PNG, JPEG, GIF, WebP), zusammen bis { $mb } MB; sie werden bei jeder Zertifizierung dieses Formulars abgelegt.
certify-evidence-kept = Aus Ihrer letzten Übermittlung behalten
certify-evidence-too-large = Die Dateien sind zusammen größer als { $mb } MB; bitte weniger oder kleinere Dateien wählen.
certify-evidence-broken = Die Dateien kamen nicht vollständig an; bitte erneut auswählen.
certify-done-evidence = Nachweise angehängt: { $count } Datei(en).
cert-recorded-by = erfasst von { $by }
col-assessor = Geprüft von
revoke-title = Zertifizierung widerrufen
revoke-what = Zertifizierung von { $name } in { $skill } widerrufen (Stufe { $level }, { $date }).
revoke-already = Sie ist bereits widerrufen.
revoke-effect = Wirkung
revoke-not-listed = nicht aufgeführt
revoke-reason = Grund (Pflicht)
revoke-confirm = Ich bestätige den Widerruf
revoke-tick = Bitte das Kästchen ankreuzen, um den Widerruf zu bestätigen.

## Ersteinrichtung
setup-title = Caliber einrichten
setup-short = Einrichten
setup-intro = Dieses Gerät hat noch keinen Administrator. Geben Sie den Einrichtungscode von seinem Bildschirm (oder der Konsole) ein und wählen Sie dann das Administrator-Login.
setup-code = Einrichtungscode
setup-email = E-Mail des Administrators
setup-password = Passwort (mindestens { $min } Zeichen)
setup-password-again = Passwort wiederholen
setup-create = Administrator anlegen
setup-passwords-differ = Die beiden Passwörter stimmen nicht überein.

## Sicherungen
yes = ja
backup-failed = Die letzte Sicherung ist FEHLGESCHLAGEN
backup-overdue = Sicherungen ÜBERFÄLLIG: die letzte gute ist vom { $when }.
backup-never = Auf diesem Gerät wurde noch keine Sicherung erstellt.
backup-last = Letzte Sicherung { $when }
backup-stick = USB-Stick { $when }
backup-stick-ok = { $count ->
        [one] { $count } Paket kopiert und geprüft, kann entfernt werden.
       *[other] { $count } Pakete kopiert und geprüft, kann entfernt werden.
    }
backup-fingerprint = Fingerabdruck des Geräteschlüssels (im zentralen Archiv registrieren)
backup-encryption = Verschlüsselung
backup-encrypted = Empfänger eingerichtet: Pakete werden signiert und mit dem Schlüssel des Archivs (age) verschlüsselt, ein verlorener Stick verrät nichts.
backup-no-recipients = Keine Empfänger eingerichtet: Pakete sind
backup-signed-not-encrypted = signiert, aber nicht verschlüsselt
backup-set-recipients = Setzen Sie backup_recipients in /etc/caliber/caliber.toml auf den age-Empfänger des Archivs.
backup-schedule = Zeitplan
backup-every = alle { $hours } h, die neuesten { $keep } bleiben
backup-on-demand = nur auf Anforderung, die neuesten { $keep } bleiben
backup-running = Eine Sicherung wird geschrieben (begonnen { $when }). Diese Seite aktualisiert sich, wenn sie fertig ist.
backup-now = Jetzt sichern
backup-bundles = Pakete auf diesem Gerät
backup-none-yet = Noch keine.
backup-sequence = Folge
backup-written = Geschrieben
backup-size = Größe
backup-encrypted-col = Verschlüsselt
backup-result = Ergebnis
backup-signed-only = nein, nur signiert
backup-written-synced = geschrieben und synchronisiert
backup-download = Herunterladen
backup-no-such-bundle = Es gibt kein Paket namens { $name }.

## Benutzer
col-role-app = Rolle
users-person = Person
users-active = Aktiv
users-active-word = aktiv
users-disabled = deaktiviert
users-last-login = Letzte Anmeldung
users-login-lock = Anmeldesperre
users-change = Ändern
users-not-linked = mit keinem Mitarbeiter verknüpft
users-never = nie
users-locked = Gesperrt
users-unlock = Entsperren
users-new-password-optional = Neues Passwort (optional)
users-new-password = Neues Passwort
users-link-employee = Personalnummer verknüpfen
users-new = Neuer Benutzer
users-password-min = Passwort (mindestens 10 Zeichen)
users-employee-number-optional = Personalnummer (optional)
users-create = Benutzer anlegen

## Prüfprotokoll
audit-verified = Prüfkette bestätigt: { $events } Ereignisse, keines verändert oder fehlend.
audit-broken = PRÜFKETTE UNTERBROCHEN
audit-who-contains = Wer (E-Mail enthält)
audit-record-contains = Datensatz (Name oder ID enthält)
audit-kind = Art
audit-from = Von
audit-to = Bis
audit-pages = Seiten des Prüfprotokolls
audit-newer = Neuer
audit-older = Älter
audit-page = Seite { $page }
audit-no-events = Keine passenden Ereignisse.
audit-when-utc = Wann (UTC)
audit-record = Datensatz
audit-changes = Änderungen

## Qualifikationen
search = Suchen
no = nein
skills-code = Kürzel
skills-levels = Stufen
skills-levels-range = Stufen 1–{ $max }
skills-valid-for = Gültig für
skills-active-revision = Aktive Revision
skills-months = { $months ->
        [one] { $months } Monat
       *[other] { $months } Monate
    }
skills-valid-months = gültig { $months ->
        [one] { $months } Monat
       *[other] { $months } Monate
    }
skills-never-expires = läuft nie ab
skills-new = Neue Qualifikation
skills-validity-field = Gültig für (Monate, leer = unbegrenzt)
skills-validity-invalid = Die Gültigkeit muss eine Zahl von Monaten sein.
skills-description = Beschreibung
skills-create = Qualifikation anlegen
skills-revisions = Revisionen
skills-label = Bezeichnung
skills-effective = Gültig ab
skills-retraining = Nachschulung
skills-grace = Frist
skills-change-log = Änderungen
skills-required = erforderlich
skills-days = { $days ->
        [one] { $days } Tag
       *[other] { $days } Tage
    }
skills-activate = Aktivieren
skills-roll-back = Zurücknehmen
skills-edit = Qualifikation bearbeiten
skills-new-revision = Neue Revision (Entwurf)
skills-what-changed = Was sich geändert hat
skills-must-retrain = Alle zuvor Zertifizierten müssen nachgeschult werden
skills-add-draft = Entwurf hinzufügen
skills-scope = Geltungsbereich

## Revision aktivieren
cancel = Abbrechen
activate-title = Revision aktivieren
activate-grace-invalid = die Frist „{ $text }“ ist keine Zahl von Tagen
activate-now = Jetzt
activate-retrain-by = Nachschulen bis
activate-refused-at = Abgewiesen an
activate-replaces = Mit { $revision } wird { $old } archiviert.
activate-first = { $revision } wird aktiviert.
activate-effective = Gültig ab
activate-grace = Frist für die Nachschulung (Tage, 0 = keine)
activate-update = Vorschau aktualisieren
activate-nobody = Niemand wird NACHSCHULUNG FÄLLIG oder VERALTET.
activate-due = { $count ->
        [one] { $count } Mitarbeiter wird
       *[other] { $count } Mitarbeitende werden
    } NACHSCHULUNG FÄLLIG: dürfen bis zum Ende der Frist arbeiten, werden danach an den genannten Stationen abgewiesen:
activate-outdated = { $count ->
        [one] { $count } Mitarbeiter wird
       *[other] { $count } Mitarbeitende werden
    } VERALTET und an den genannten Stationen abgewiesen, bis sie nachgeschult sind:
activate-button = { $revision } aktivieren

## Anforderungen
delete = Löschen
req-add-title = Anforderung hinzufügen
req-preview = Auswirkung anzeigen
req-add = Anforderung hinzufügen
req-applies-to = Gilt für
req-required-level = Erforderliche Stufe
req-choose-skill = Bitte eine Qualifikation wählen.
req-give-level = Bitte die neue Stufe angeben.
req-preview-add = { $skill } mit Stufe { $level } für { $scope } hinzufügen
req-preview-level = { $skill } für { $scope } von Stufe { $old } auf Stufe { $level } ändern
req-preview-delete = Die Anforderung { $skill } mit Stufe { $level } für { $scope } löschen
req-applies = Die Zeile gilt für { $count } Mitarbeitende.
req-impact-failing = { $count } Mitarbeitende wären in { $skill } nicht mehr qualifiziert: zuerst aufgeführt, mit den Stationen, die sie abweisen würden.
req-impact-nobody = Bei niemandem ändert sich der Status.
req-impact-no-failing = Niemand verliert eine Qualifikation; der Status von { $count } Mitarbeitenden ändert sich.
req-status-now = Jetzt
req-status-after = Danach
req-allowed-at = Zugelassen an
req-confirm-level = Auf Stufe { $level } ändern
req-confirm-delete = Anforderung löschen
req-preview-change = Änderung anzeigen…
skills-roll-back-confirm = Diese Revision zurückziehen und die vorherige wieder aktivieren
skills-roll-back-tick = Bitte das Kästchen ankreuzen, um das Zurücknehmen zu bestätigen.

## Ausweisbogen
badges-title = Ausweise
badges-print = Drucken
badges-sheet = { $count ->
        [one] { $count } Ausweis.
       *[other] { $count } Ausweise.
    } In 100 % Größe auf CR80-Karten drucken oder an den gestrichelten Linien ausschneiden.
badges-range = Ausweise { $first }–{ $last } von { $count }.
badges-pages = Seiten
badges-all-on-one = Alle { $count } auf einer Seite
badges-paged = { $size } pro Seite
badges-none = Für diese Auswahl gibt es keinen Ausweis zu drucken.
emp-badge-printers-only = Ausweise drucken die Administration und die Qualifikationsverwaltung.

## Actions
action-manage-users = Benutzer verwalten
action-manage-revisions = Revisionen verwalten
action-manage-stations = Stationen verwalten
action-manage-requirements = Anforderungen verwalten
action-approve-certifications = Zertifizierungen freigeben
action-view-the-matrix = die Matrix ansehen
action-view-skills = Qualifikationen ansehen
action-revoke-certifications = Zertifizierungen widerrufen
action-print-badges = Ausweise drucken
action-manage-skills = Qualifikationen verwalten
action-edit-employees = Mitarbeitende bearbeiten
action-create-employees = Mitarbeitende anlegen
action-certify = zertifizieren
action-view-the-audit-log = das Prüfprotokoll ansehen
action-view-station-screens = Stationsbildschirme ansehen
action-view-requirements = Anforderungen ansehen
action-view-evidence = Nachweise ansehen
action-view-employees = Mitarbeitende ansehen
action-regenerate-badges = Ausweise neu erzeugen
action-manage-backups = Sicherungen verwalten
action-make-backups = Sicherungen erstellen
action-export-the-matrix = die Matrix exportieren
action-export-the-audit-log = das Prüfprotokoll exportieren
action-download-backups = Sicherungen herunterladen

coverage-title = Wer welche Station jetzt bedienen darf
coverage-explain = Gezählt nach denselben Regeln wie die Kioske. Eine Station mit weniger als { $minimum } qualifizierten Personen steht bei einem Ausfall still; „läuft ab“ sind jetzt qualifiziert, in { $days } Tagen aber nicht mehr; „gesperrt“ sind Personen der Linie der Station, die jetzt abgewiesen würden.
coverage-qualified = Jetzt qualifiziert
coverage-lapsing = Läuft bald ab
coverage-blocked = Gesperrt auf ihrer Linie
coverage-below-minimum = Unter dem Minimum
coverage-stations = Stationen
coverage-lowest = Niedrigste Abdeckung
stations-keys = Stationsschlüssel
emp-language = Kiosk-Sprache
emp-language-station = Wie die Station spricht

## Import, Export, Schulungsplan und Busfaktor
nav-import = Import
nav-training = Schulungsplan
action-import-records = Datensätze importieren
action-export-records = Datensätze exportieren
due-training-plan = Schulungsplan für diese Auswahl
skills-training-plan = Schulungsplan für diese Qualifikation: wer sie bis wann braucht
dash-bus-factor = Stationen unter der Mindestbesetzung
dash-bus-factor-below = weniger als { $minimum } Personen jetzt qualifiziert
dash-bus-factor-title = Busfaktor: Stationen mit zu wenig qualifizierten Personen
dash-bus-factor-explain = { $count ->
        [one] { $count } Station hat
       *[other] { $count } Stationen haben
    } weniger als { $minimum } Personen, die sie jetzt bedienen dürfen: ein oder zwei Ausfälle legen die Linie still. Öffnen Sie eine Station, um zu sehen, wer qualifiziert ist, bei wem es bald abläuft und wer gesperrt ist.
import-help = Übernehmen Sie Mitarbeitende oder ihre Schulungshistorie aus einer Tabelle. Die Vorschau zeigt, was jede Zeile bewirken würde; geschrieben wird erst beim Import, und dann alle Zeilen oder keine.
import-kind = Inhalt der Datei
import-kind-employees = Mitarbeitende
import-kind-certifications = Zertifizierungen
import-file = CSV- oder XLSX-Datei
import-file-help = Höchstens { $mib } MiB. Die erste Zeile benennt die Spalten; die Exporte unten haben die Form, die der Import liest.
import-create-missing = Standorte, Abteilungen, Rollen, Linien und Qualifikationen anlegen, die die Datei nennt, die es in Caliber aber noch nicht gibt
import-preview = Vorschau
import-preview-title = Importvorschau
import-columns = Spalten
import-columns-optional = optional:
import-columns-help = Spaltenköpfe werden am Namen und gängigen Synonymen erkannt (Personalnummer, Abteilung, Job Title, Lines, Valid until…); Datumsangaben als JJJJ-MM-TT; Standorte, Abteilungen, Rollen, Linien und Qualifikationen per Code oder Name.
import-export-title = Export
import-export-help = Dieselben Spalten, die der Import liest: exportieren, in einer Tabelle bearbeiten, wieder importieren.
import-export-employees = Mitarbeitende (CSV)
import-export-certifications = Zertifizierungen (CSV)
import-too-large = Die Datei ist größer als { $mib } MiB; teilen Sie sie in kleinere Dateien.
import-unreadable-upload = Der Upload konnte nicht gelesen werden; wählen Sie die Datei und versuchen Sie es erneut.
import-not-an-upload = Dieses Formular sendet eine Datei: Nutzen Sie die Importseite.
import-choose-kind = Wählen Sie Mitarbeitende oder Zertifizierungen.
import-choose-file = Wählen Sie eine CSV- oder XLSX-Datei.
import-created = neu
import-updated = geändert
import-unchanged = unverändert
import-rejected = abgelehnt
import-counts = { $rows ->
        [one] { $rows } Zeile
       *[other] { $rows } Zeilen
    }: { $created } neu, { $updated } geändert, { $unchanged } unverändert, { $rejected } abgelehnt.
import-ignored-columns = Ignorierte Spalten (unbekannt): { $columns }
import-would-create = Der Import würde außerdem anlegen:
import-created-references = Außerdem angelegt:
import-fix-rejected = { $rejected ->
        [one] { $rejected } Zeile ist abgelehnt
       *[other] { $rejected } Zeilen sind abgelehnt
    }: Korrigieren Sie sie in der Datei und laden Sie sie erneut hoch. Solange eine Zeile abgelehnt ist, wird nichts importiert.
import-nothing-to-change = Nichts zu ändern: Jede Zeile entspricht dem, was Caliber gespeichert hat.
import-commit = Diese Datei importieren ({ $changes ->
        [one] { $changes } Änderung
       *[other] { $changes } Änderungen
    })
import-another = Weitere Datei importieren
import-line = Zeile
import-record = Datensatz
import-detail = Grund oder Änderung
import-preview-expired = Diese Vorschau ist abgelaufen oder gehört zu einer anderen Anmeldung: Laden Sie die Datei erneut hoch.
import-done-title = Importiert
import-done = { $file } wurde importiert.
import-no-such-export = Es gibt keinen Export namens { $file }.
days-not-a-number = „{ $days }“ ist keine Anzahl von Tagen
plan-reason-missing = nie geschult
plan-reason-expired = abgelaufen
plan-reason-outdated = Nachschulung überfällig
plan-reason-level = Stufe zu niedrig
plan-reason-retraining = Nachschulung fällig
plan-reason-expiring = läuft ab
plan-due-now = sofort
plan-scope-skill-line = { $skill } auf { $line }
plan-scope-skill = { $skill }
plan-scope-line = Linie { $line }
plan-scope-all = Ganzer Standort
plan-expiring-within = Läuft ab innerhalb von
plan-csv = CSV dieses Plans
plan-sheet = Teilnehmerliste zum Drucken
plan-summary = { $trainings ->
        [one] { $trainings } Schulung
       *[other] { $trainings } Schulungen
    } für { $people ->
        [one] { $people } Person
       *[other] { $people } Personen
    } nötig (fehlend, abgelaufen, veraltet, Stufe zu niedrig, Nachschulung fällig oder Ablauf innerhalb von { $days } Tagen).
plan-due = Fällig
plan-reason = Grund
plan-levels = Stufe erreicht / verlangt
plan-number = Nummer
plan-signature = Unterschrift
plan-sheet-page = Teilnehmerlisten
plan-sheet-title = Teilnehmerliste Schulung: { $skill }
plan-sheet-date = Datum
plan-sheet-time = Uhrzeit
plan-sheet-place = Ort
plan-sheet-trainer = Trainer
plan-printed = gedruckt am { $date }
plan-sheet-count = { $sheets ->
        [one] { $sheets } Liste
       *[other] { $sheets } Listen
    }, { $trainings } Namen.
plan-back = Zurück zum Plan
plan-nobody = In dieser Auswahl braucht niemand eine Schulung.
