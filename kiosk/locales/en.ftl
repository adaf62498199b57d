# Caliber kiosk — English. Every message id here exists in es.ftl, de.ftl and pl.ftl too
# (`cargo test -p caliber-kiosk` fails otherwise). Headlines are capitals.

title-idle = SCAN YOUR BADGE
title-qualified = QUALIFIED
title-not-qualified = NOT QUALIFIED
title-unknown-badge = BADGE NOT RECOGNISED
title-badge-replaced = BADGE REPLACED
title-not-active = NOT ACTIVE
title-cannot-check = CANNOT CHECK
title-clock-not-set = CLOCK NOT SET
title-not-a-badge = NOT A BADGE

qualified-for = Qualified for { $station }

reason-unknown-badge = Badge not recognised
reason-badge-replaced = Badge replaced: use your new badge
reason-on-leave = Employee is on leave
reason-terminated = Badge not valid: employee has left
reason-clock-not-set = The clock is not synchronised: ask maintenance
reason-server-unreachable = Server unreachable ({ $detail })
reason-unreadable-answer = Unreadable answer from the server
reason-key-rejected = Station key rejected: ask IT
reason-not-caliber-badge = Not a Caliber badge
reason-server-error = Server error { $status }
reason-not-a-badge = This code is not a Caliber badge
reason-other-site = Badge from another site ({ $host })
reason-certificate-mismatch = Server certificate not trusted ({ $fingerprint }): ask IT
idle-server-certificate = Server certificate SHA-256 { $fingerprint }

skill-missing = { $skill } — not certified
skill-expired = { $skill } — expired { $date }
skill-expired-undated = { $skill } — expired
skill-expiring = { $skill } — expires { $date }
skill-retraining-due = { $skill } — retraining due { $date }
skill-outdated = { $skill } — new revision needs retraining
skill-level-too-low = { $skill } — level below the required level

health-camera = CAMERA
health-server = SERVER
health-clock = CLOCK
health-camera-short = CAM
health-server-short = SRV
health-clock-short = CLK
health-ok = OK
health-fail = FAIL

date = { $day } { $month } { $year }
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
