# Caliber kiosk — español.

title-idle = ESCANEE SU TARJETA
title-qualified = HABILITADO
title-not-qualified = NO HABILITADO
title-unknown-badge = TARJETA NO RECONOCIDA
title-badge-replaced = TARJETA REEMPLAZADA
title-not-active = NO ACTIVO
title-cannot-check = NO SE PUEDE VERIFICAR
title-clock-not-set = RELOJ SIN SINCRONIZAR
title-not-a-badge = NO ES UNA TARJETA

qualified-for = Habilitado para { $station }

reason-unknown-badge = Tarjeta no reconocida
reason-badge-replaced = Tarjeta reemplazada: use su tarjeta nueva
reason-on-leave = De permiso
reason-terminated = Tarjeta no válida: ya no trabaja en la empresa
reason-clock-not-set = El reloj no está sincronizado: avise a mantenimiento
reason-server-unreachable = Servidor inaccesible ({ $detail })
reason-unreadable-answer = Respuesta ilegible del servidor
reason-key-rejected = Clave de estación rechazada: avise a TI
reason-not-caliber-badge = No es una tarjeta Caliber
reason-server-error = Error del servidor { $status }
reason-not-a-badge = Este código no es una tarjeta Caliber
reason-other-site = Tarjeta de otra planta ({ $host })
reason-certificate-mismatch = Certificado del servidor no reconocido ({ $fingerprint }): avise a TI
idle-server-certificate = Certificado del servidor SHA-256 { $fingerprint }

skill-missing = { $skill } — sin certificación
skill-expired = { $skill } — caducó el { $date }
skill-expired-undated = { $skill } — caducada
skill-expiring = { $skill } — caduca el { $date }
skill-retraining-due = { $skill } — nueva capacitación antes del { $date }
skill-outdated = { $skill } — nueva revisión: requiere nueva capacitación
skill-level-too-low = { $skill } — nivel inferior al requerido

health-camera = CÁMARA
health-server = SERVIDOR
health-clock = RELOJ
health-camera-short = CÁM
health-server-short = SERV
health-clock-short = RELOJ
health-ok = OK
health-fail = FALLO

date = { $day } { $month } { $year }
month-1 = ene
month-2 = feb
month-3 = mar
month-4 = abr
month-5 = may
month-6 = jun
month-7 = jul
month-8 = ago
month-9 = sept
month-10 = oct
month-11 = nov
month-12 = dic
