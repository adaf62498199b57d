# Caliber web UI — English (the reference catalogue: every key here must be in every language).

## Dates and numbers (used by the formatter in src/web/locale.rs)
date = { $day } { $month } { $year }
day-month = { $day } { $month }
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec

## Navigation and page shell
nav-main = Main
nav-dashboard = Dashboard
nav-employees = Employees
nav-matrix = Matrix
nav-due = Due
nav-certify = Certify
nav-approvals = Approvals
nav-skills = Skills
nav-requirements = Requirements
nav-stations = Stations
nav-users = Users
nav-audit = Audit log
nav-backups = Backups
nav-me = My qualifications
nav-account = My account
log-out = Log out
save = Save

role-admin = Administrator
role-skill-manager = Skill manager
role-trainer = Trainer
role-auditor = Auditor
role-viewer = Viewer

## Errors
error-forbidden = Not allowed
error-not-found = Not found
error-invalid = Please check the form
error-conflict = Cannot do that
error-slow-down = Slow down
error-too-many = Too many requests
error-too-many-wait = Please wait a moment and try again.
error-internal = Something went wrong
error-internal-detail = The server could not complete the request; it has been logged.
error-role-may-not = Your role ({ $role }) may not { $action }.
error-form-expired = This form has expired or did not come from Caliber. Go back, reload the page and try again.

## Login
login-tagline = Skill and qualification matrix
login-email = Email
login-password = Password
login-submit = Log in
login-form-expired = This login form has expired or did not come from Caliber. Please log in again.
login-too-long = That email or password is too long.
login-locked = Too many failed logins. Try again in { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }, or ask an administrator.
login-disabled = This account is disabled. Ask an administrator.
login-wrong = Wrong email or password.

## Common table columns
col-skill = Skill
col-status = Status
col-level = Level
col-expires = Expires
col-when = When
col-station = Station
col-who = Who
col-verdict = Verdict
col-why = Why

## Skill status words
status-valid = Valid
status-expiring = Expiring
status-retraining-due = Retraining due
status-level-low = Level low
status-outdated = Outdated
status-expired = Expired
status-missing = Missing
status-extra = Extra

## Verdicts and their reasons (the same words as the kiosk's)
verdict-green = Let in
verdict-red = Refused
verdict-amber = Not judged (amber)
reason-unknown-badge = Badge not recognised
reason-badge-replaced = Badge replaced: use your new badge
reason-on-leave = Employee is on leave
reason-terminated = Badge not valid: employee has left
reason-at-station = { $reason } (at { $station })
new-revision = new revision
skill-missing = { $skill } — not certified
skill-expired = { $skill } — expired { $date }
skill-expiring = { $skill } — expires { $date }
skill-retraining-due = { $skill } — { $revision } retraining due { $date }
skill-outdated = { $skill } — { $revision } needs retraining
skill-level-too-low = { $skill } — level { $held } of { $required } required

## Dashboard
dash-compliance = Compliance · { $site }
dash-qualified-of = { $qualified } of { $employees } employees fully qualified
dash-expiring-within = Expiring within { $days } days
dash-required-certifications = { $count ->
        [one] required certification
       *[other] required certifications
    }
dash-gaps = Gaps by skill
dash-no-gaps = No gaps: everyone holds every required skill.
dash-not-qualified = Employees not qualified
dash-recent-scans = Recent badge scans
dash-no-scans = No scans yet.
dash-unknown-badge = unknown badge

## My qualifications
me-not-linked = Your login is not linked to an employee record. Ask an administrator to link it.
me-talk-to-trainer = Talk to your trainer about the missing skills.

## My account
account-language = Language
account-language-browser = As my browser asks
account-language-help = Caliber speaks your browser's language unless you choose one here. Kiosks speak each employee's own language.
account-saved = Saved.

## Public badge page
badge-not-valid = This badge is not valid.
badge-status-active = Employee status: active
badge-status-leave = Employee status: on leave
badge-qualified = Qualified for their assigned work
badge-not-qualified = Not qualified: a line station would refuse this badge
badge-required-skills = Required skills
badge-no-skills = No skills are required.
badge-checked = Checked { $when }
public-url-missing = Badges cannot be printed yet: Caliber does not know the address phones and kiosks should open (public_url is not set). A badge printed now would carry whatever address this browser used, such as 127.0.0.1, and be dead on the shop floor. Set public_url in /etc/caliber/caliber.toml, for example public_url = "https://caliber.plant.local", and restart Caliber.

## Shared words
edit = Edit
revoke = Revoke
filter = Filter
page-previous = Previous
page-next = Next
page-of = Page { $page } of { $pages }
col-number = Number
col-name = Name
col-site = Site
col-department = Department
col-role = Role
col-project = Project
col-achieved = Achieved
col-state = State
col-what = What
filter-all-sites = All sites
filter-all-departments = All departments
filter-all-roles = All roles
filter-all-projects = All projects
filter-any-status = Any status
verdict-word-green = green
verdict-word-red = red
verdict-word-amber = amber

## Employees
emp-name-or-number = Name or number
emp-count = { $count ->
        [one] { $count } employee
       *[other] { $count } employees
    }
emp-new = New employee
emp-edit = Edit employee
emp-edit-title = Edit { $name }
emp-print-badges = Print badges
emp-print-badge = Print badge
emp-number = Employee number
emp-full-name = Full name
emp-projects = Projects
emp-status-active = active
emp-status-leave = on leave
emp-status-terminated = left
emp-choose-site = Choose a site.
emp-employee-number = Employee { $number }
emp-own-verdict = Verdict for own assignments
emp-qr-alt = Badge QR code of { $name }
emp-certify = Certify { $name }
emp-regenerate-summary = Regenerate badge (lost badge)
emp-regenerate-confirm = The old badge stops working at once. A new badge must be printed.
emp-regenerate = Regenerate badge
emp-regenerate-tick = Tick the box to confirm that the old badge stops working.
emp-qualification = Qualification
emp-achieved-required = Achieved / required
emp-required-by = Required by
emp-needs-retraining = { $revision } needs retraining
emp-cert-history = Certification history
emp-revoked = Revoked { $date } by { $by }: { $reason }
emp-on-superseded = On superseded { $revision }
emp-live = Live
emp-audit-history = Audit history

## Due
due-all = all
due-within = Within
due-days = days
due-hide-expired = hide already expired
due-line = Line
due-supervisor = Supervisor
due-show = Show
due-csv = CSV of this list
due-days-left = Days
due-employee = Employee
due-summary-expire = { $count ->
        [one] { $count } required certification expires
       *[other] { $count } required certifications expire
    } within { $days } days.
due-summary-expired-or-expire = { $count ->
        [one] { $count } required certification has expired or expires
       *[other] { $count } required certifications have expired or expire
    } within { $days } days.

## Matrix
filter-all = All
none = None.
n-of-m = { $n } of { $m }
col-revision = Revision
col-evidence = Evidence
cell-valid = OK
cell-expiring = Soon
cell-retraining-due = Retrain due
cell-level-low = Low
cell-outdated = Retrain
matrix-has-status = Has status
matrix-any = Any
matrix-skill-contains = Skill contains
matrix-show-inactive = Show employees on leave or gone
matrix-export-csv = Export CSV
matrix-legend = L2 = level achieved; L1/2 = 1 of 2 required. Open a cell for its sources, dates and evidence.
matrix-shown = Employees { $first }–{ $last } of { $employees } × skills { $skills } of { $all_skills }
matrix-employees-page = Employees page
matrix-skills-page = Skills page
cell-neither = { $name } is neither required to hold { $skill } nor certified in it.
cell-level-achieved-required = Level achieved / required
cell-max = max { $max }
cell-not-required = not required (held as an extra skill)
cell-certifications-in = Certifications in { $skill }
cell-revoked = Revoked { $date }: { $reason }
cell-counts = Counts
cell-certify = Certify { $name } in { $skill }

## Approvals
col-certified-by = Certified by
approvals-intro = Certifications in skills with four-eyes approval count only once a second trainer or skill manager approves them. You cannot approve your own.
approvals-none = Nothing is waiting for approval.
approvals-yours = yours: another person approves
approvals-approve = Approve
approvals-reason = Reason to reject
approvals-reject = Reject

## Stations
stations-extra-skills = Extra skills
stations-screen-now = Screen now
stations-key = Key
stations-rotate-key = Rotate key
stations-new = New station
stations-extra-skill = Extra skill (level 1)
stations-create = Create station
stations-key-shown-once = The key of { $station } is shown only now. Put it in the kiosk's
stations-back = Back to stations
stations-key-title = Station key

## Certify and revoke
certify-nothing-certified = Nothing was certified. Correct the marked fields and submit again.
certify-help = Employees by number, badge (scan it: the QR URL or the bare token) or exact name. For quick-certify put one per line; the whole list is certified or none of it.
certify-pick = Find an employee (type a name or number, or scan a badge)
certify-employees = Employee(s), one per line
certify-line = Line { $line }
certify-skill-max = { $skill } (max L{ $max })
certify-level = Level achieved
certify-date = Date achieved
certify-revision = Revision trained on
certify-active-revision = The skill's active revision
certify-superseded = superseded
certify-notes = Notes
certify-done = Certified: { $names }
certify-assessor = Assessed by
certify-assessor-me = You (leave empty if you assessed them)
certify-assessor-help = Who assessed them, if not you: a trainer without a login, an external examiner.
certify-evidence = Evidence
certify-evidence-help = PDF or photos (PNG, JPEG, GIF, WebP), up to { $mb } MB together; kept with every certification of this form.
certify-evidence-kept = Kept from your last submission
certify-evidence-too-large = The files are larger than { $mb } MB together; choose fewer or smaller files.
certify-evidence-broken = The files did not arrive whole; choose them again.
certify-done-evidence = Evidence attached: { $count } file(s).
cert-recorded-by = recorded by { $by }
col-assessor = Assessed by
revoke-title = Revoke certification
revoke-what = Revoke { $name }'s certification in { $skill } (level { $level }, { $date }).
revoke-already = It is already revoked.
revoke-effect = Effect
revoke-not-listed = not listed
revoke-reason = Reason (required)
revoke-confirm = I confirm the revocation
revoke-tick = Tick the box to confirm the revocation.

## First-run setup
setup-title = Set up Caliber
setup-short = Set up
setup-intro = This box has no administrator yet. Enter the setup code shown on its screen (or console), then choose the administrator's login.
setup-code = Setup code
setup-email = Administrator email
setup-password = Password (at least { $min } characters)
setup-password-again = Password again
setup-create = Create the administrator
setup-passwords-differ = The two passwords differ.

## Backups
yes = yes
backup-failed = The last backup FAILED
backup-overdue = Backups are OVERDUE: the last good one is from { $when }.
backup-never = No backup has been made on this box yet.
backup-last = Last backup { $when }
backup-stick = USB stick { $when }
backup-stick-ok = { $count ->
        [one] { $count } bundle copied and verified, safe to remove.
       *[other] { $count } bundles copied and verified, safe to remove.
    }
backup-fingerprint = Device key fingerprint (enrol it at the central archive)
backup-encryption = Encryption
backup-encrypted = Recipients configured: bundles are signed and encrypted to the archive's key (age), so a lost stick leaks nothing.
backup-no-recipients = No recipients configured: bundles are
backup-signed-not-encrypted = signed but not encrypted
backup-set-recipients = Set backup_recipients in /etc/caliber/caliber.toml to the archive's age recipient.
backup-schedule = Schedule
backup-every = every { $hours } h, newest { $keep } kept
backup-on-demand = on demand only, newest { $keep } kept
backup-running = A backup is being written (started { $when }). This page updates itself when it is done.
backup-now = Back up now
backup-bundles = Bundles on this box
backup-none-yet = None yet.
backup-sequence = Sequence
backup-written = Written
backup-size = Size
backup-encrypted-col = Encrypted
backup-result = Result
backup-signed-only = no, signed only
backup-written-synced = written and synced
backup-download = Download
backup-no-such-bundle = There is no bundle named { $name }.

## Users
col-role-app = Role
users-person = Person
users-active = Active
users-active-word = active
users-disabled = disabled
users-last-login = Last login
users-login-lock = Login lock
users-change = Change
users-not-linked = not linked to an employee
users-never = never
users-locked = Locked
users-unlock = Unlock
users-new-password-optional = New password (optional)
users-new-password = New password
users-link-employee = Link employee number
users-new = New user
users-password-min = Password (10+ characters)
users-employee-number-optional = Employee number (optional)
users-create = Create user

## Audit log
audit-verified = Audit chain verified: { $events } events, none altered or missing.
audit-broken = AUDIT CHAIN BROKEN
audit-who-contains = Who (email contains)
audit-record-contains = Record (name or id contains)
audit-kind = Kind
audit-from = From
audit-to = To
audit-pages = Audit pages
audit-newer = Newer
audit-older = Older
audit-page = Page { $page }
audit-no-events = No events match.
audit-when-utc = When (UTC)
audit-record = Record
audit-changes = Changes

## Skills
search = Search
no = no
skills-code = Code
skills-levels = Levels
skills-levels-range = levels 1–{ $max }
skills-valid-for = Valid for
skills-active-revision = Active revision
skills-months = { $months ->
        [one] { $months } month
       *[other] { $months } months
    }
skills-valid-months = valid { $months ->
        [one] { $months } month
       *[other] { $months } months
    }
skills-never-expires = never expires
skills-new = New skill
skills-validity-field = Valid for (months, empty = never)
skills-validity-invalid = Validity must be a number of months.
skills-description = Description
skills-create = Create skill
skills-revisions = Revisions
skills-label = Label
skills-effective = Effective
skills-retraining = Retraining
skills-grace = Grace
skills-change-log = Change log
skills-required = required
skills-days = { $days ->
        [one] { $days } day
       *[other] { $days } days
    }
skills-activate = Activate
skills-roll-back = Roll back
skills-edit = Edit skill
skills-new-revision = New revision (draft)
skills-what-changed = What changed
skills-must-retrain = Everyone certified earlier must retrain
skills-add-draft = Add draft
skills-scope = Scope

## Revision activation
cancel = Cancel
activate-title = Activate revision
activate-grace-invalid = grace period "{ $text }" is not a number of days
activate-now = Now
activate-retrain-by = Retrain by
activate-refused-at = Refused at
activate-replaces = Activating { $revision } archives { $old }.
activate-first = Activating { $revision }.
activate-effective = Takes effect on
activate-grace = Grace period for retraining (days, 0 = none)
activate-update = Update preview
activate-nobody = Nobody becomes RETRAINING_DUE or OUTDATED.
activate-due = { $count ->
        [one] { $count } employee becomes
       *[other] { $count } employees become
    } RETRAINING_DUE: still allowed to work until the grace period ends, then refused at the stations listed:
activate-outdated = { $count ->
        [one] { $count } employee becomes
       *[other] { $count } employees become
    } OUTDATED and will be refused at the stations listed until retrained:
activate-button = Activate { $revision }

## Requirements
delete = Delete
req-add-title = Add a requirement
req-preview = Preview impact
req-add = Add requirement
req-applies-to = Applies to
req-required-level = Required level
req-choose-skill = Choose a skill.
req-give-level = Give the new level.
req-preview-add = Add { $skill } at level { $level } for { $scope }
req-preview-level = Change { $skill } for { $scope } from level { $old } to level { $level }
req-preview-delete = Delete the requirement { $skill } at level { $level } for { $scope }
req-applies = The row applies to { $count } employee(s).
req-impact-failing = { $count } employee(s) would no longer be qualified in { $skill }: listed first, with the stations that would refuse them.
req-impact-nobody = Nobody's status changes.
req-impact-no-failing = Nobody loses a qualification; the status of { $count } employee(s) changes.
req-status-now = Now
req-status-after = After
req-allowed-at = Let in at
req-confirm-level = Change to level { $level }
req-confirm-delete = Delete the requirement
req-preview-change = Preview change…
skills-roll-back-confirm = Withdraw this revision and make the previous one active again
skills-roll-back-tick = Tick the box to confirm the rollback.

## Badge sheet
badges-title = Badges
badges-print = Print
badges-sheet = { $count ->
        [one] { $count } badge.
       *[other] { $count } badges.
    } Print at 100% scale on CR80 card stock or cut along the dashed lines.
badges-range = Cards { $first }–{ $last } of { $count }.
badges-pages = Pages
badges-all-on-one = All { $count } on one page
badges-paged = { $size } per page
badges-none = Nobody to print for this choice.
emp-badge-printers-only = Badges are printed by administrators and skill managers.

## What a role may not do (in "Your role (…) may not …")
action-manage-users = manage users
action-manage-revisions = manage revisions
action-manage-stations = manage stations
action-manage-requirements = manage requirements
action-approve-certifications = approve certifications
action-view-the-matrix = view the matrix
action-view-skills = view skills
action-revoke-certifications = revoke certifications
action-print-badges = print badges
action-manage-skills = manage skills
action-edit-employees = edit employees
action-create-employees = create employees
action-certify = certify
action-view-the-audit-log = view the audit log
action-view-station-screens = view station screens
action-view-requirements = view requirements
action-view-evidence = view evidence
action-view-employees = view employees
action-regenerate-badges = regenerate badges
action-manage-backups = manage backups
action-make-backups = make backups
action-export-the-matrix = export the matrix
action-export-the-audit-log = export the audit log
action-download-backups = download backups

coverage-title = Who may run each station now
coverage-explain = Counted with the kiosks' own rules. A station with fewer than { $minimum } qualified people is one absence away from stopping; "lapsing" are qualified now but not in { $days } days; "blocked" are people on the station's line who would be refused now.
coverage-qualified = Qualified now
coverage-lapsing = Lapsing soon
coverage-blocked = Blocked on its line
coverage-below-minimum = Below minimum
coverage-stations = Stations
coverage-lowest = Lowest coverage
stations-keys = Station keys
emp-language = Kiosk language
emp-language-station = As the station speaks

## Imports, exports, training plan and the bus factor
nav-import = Import
nav-training = Training plan
action-import-records = import records
action-export-records = export records
due-training-plan = Training plan for this selection
skills-training-plan = Training plan for this skill: who needs it by when
dash-bus-factor = Stations below minimum coverage
dash-bus-factor-below = fewer than { $minimum } people qualified now
dash-bus-factor-title = Bus factor: stations short of qualified people
dash-bus-factor-explain = { $count ->
        [one] { $count } station has
       *[other] { $count } stations have
    } fewer than { $minimum } people qualified to run them now: one or two absences stop the line. Open a station to see who is qualified, who lapses soon and who is blocked.
import-help = Bring employees or their training history in from a spreadsheet. The preview shows what every row would do; nothing is written until you import, and then all rows or none.
import-kind = What the file holds
import-kind-employees = Employees
import-kind-certifications = Certifications
import-file = CSV or XLSX file
import-file-help = At most { $mib } MiB. The first row names the columns; the exports below have the shape the import reads.
import-create-missing = Create sites, departments, roles, lines and skills the file names but Caliber does not have yet
import-preview = Preview
import-preview-title = Import preview
import-columns = Columns
import-columns-optional = optional:
import-columns-help = Headers are matched by name and common synonyms (Employee No, Dept, Job Title, Lines, Valid until…); dates are YYYY-MM-DD; sites, departments, roles, lines and skills by code or name.
import-export-title = Export
import-export-help = The same columns the import reads: export, edit in a spreadsheet, import again.
import-export-employees = Employees (CSV)
import-export-certifications = Certifications (CSV)
import-too-large = The file is larger than { $mib } MiB; split it into smaller files.
import-unreadable-upload = The upload could not be read; choose the file and try again.
import-not-an-upload = This form sends a file: use the import page.
import-choose-kind = Choose employees or certifications.
import-choose-file = Choose a CSV or XLSX file.
import-created = created
import-updated = updated
import-unchanged = unchanged
import-rejected = rejected
import-counts = { $rows ->
        [one] { $rows } row
       *[other] { $rows } rows
    }: { $created } created, { $updated } updated, { $unchanged } unchanged, { $rejected } rejected.
import-ignored-columns = Columns ignored (not known): { $columns }
import-would-create = The import would also create:
import-created-references = Also created:
import-fix-rejected = { $rejected ->
        [one] { $rejected } row is rejected
       *[other] { $rejected } rows are rejected
    }: fix them in the file and upload it again. Nothing is imported while any row is rejected.
import-nothing-to-change = Nothing to change: every row equals what Caliber holds.
import-commit = Import this file ({ $changes ->
        [one] { $changes } change
       *[other] { $changes } changes
    })
import-another = Import another file
import-line = Line
import-record = Record
import-detail = Reason or change
import-preview-expired = This preview has expired or belongs to another login: upload the file again.
import-done-title = Imported
import-done = { $file } was imported.
import-no-such-export = There is no export called { $file }.
days-not-a-number = '{ $days }' is not a number of days
plan-reason-missing = never trained
plan-reason-expired = expired
plan-reason-outdated = retraining overdue
plan-reason-level = level too low
plan-reason-retraining = retraining due
plan-reason-expiring = expiring
plan-due-now = now
plan-scope-skill-line = { $skill } on { $line }
plan-scope-skill = { $skill }
plan-scope-line = Line { $line }
plan-scope-all = Whole site
plan-expiring-within = Expiring within
plan-csv = CSV of this plan
plan-sheet = Printable sign-up sheet
plan-summary = { $trainings ->
        [one] { $trainings } training
       *[other] { $trainings } trainings
    } needed by { $people ->
        [one] { $people } person
       *[other] { $people } people
    } (missing, expired, outdated, level too low, retraining due, or expiring within { $days } days).
plan-due = Due
plan-reason = Why
plan-levels = Level held / required
plan-number = Number
plan-signature = Signature
plan-sheet-page = Sign-up sheets
plan-sheet-title = Training sign-up: { $skill }
plan-sheet-date = Date
plan-sheet-time = Time
plan-sheet-place = Place
plan-sheet-trainer = Trainer
plan-printed = printed { $date }
plan-sheet-count = { $sheets ->
        [one] { $sheets } sheet
       *[other] { $sheets } sheets
    }, { $trainings } names.
plan-back = Back to the plan
plan-nobody = Nobody needs training in this selection.
