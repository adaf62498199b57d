# Caliber web UI — español.

## Fechas y números
date = { $day } { $month } { $year }
day-month = { $day } { $month }
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

## Navegación
nav-main = Principal
nav-dashboard = Panel
nav-employees = Empleados
nav-matrix = Matriz
nav-due = Vencimientos
nav-certify = Certificar
nav-approvals = Aprobaciones
nav-skills = Competencias
nav-requirements = Requisitos
nav-stations = Estaciones
nav-users = Usuarios
nav-audit = Registro de auditoría
nav-backups = Copias de seguridad
nav-me = Mis habilitaciones
nav-account = Mi cuenta
log-out = Cerrar sesión
save = Guardar

role-admin = Administrador
role-skill-manager = Gestor de competencias
role-trainer = Formador
role-auditor = Auditor
role-viewer = Lector

## Errores
error-forbidden = No permitido
error-not-found = No encontrado
error-invalid = Revise el formulario
error-conflict = No se puede hacer
error-slow-down = Más despacio
error-too-many = Demasiadas solicitudes
error-too-many-wait = Espere un momento y vuelva a intentarlo.
error-internal = Algo salió mal
error-internal-detail = El servidor no pudo completar la solicitud; el error quedó registrado.
error-role-may-not = Su rol ({ $role }) no permite { $action }.
error-form-expired = Este formulario caducó o no proviene de Caliber. Vuelva atrás, recargue la página e inténtelo de nuevo.

## Inicio de sesión
login-tagline = Matriz de competencias y habilitaciones
login-email = Correo electrónico
login-password = Contraseña
login-submit = Iniciar sesión
login-form-expired = Este formulario de inicio de sesión caducó o no proviene de Caliber. Inicie sesión de nuevo.
login-too-long = El correo o la contraseña son demasiado largos.
login-locked = Demasiados intentos fallidos. Vuelva a intentarlo en { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    } o consulte a un administrador.
login-disabled = Esta cuenta está desactivada. Consulte a un administrador.
login-wrong = Correo o contraseña incorrectos.

## Columnas
col-skill = Competencia
col-status = Estado
col-level = Nivel
col-expires = Caduca
col-when = Cuándo
col-station = Estación
col-who = Quién
col-verdict = Resultado
col-why = Motivo

## Estados
status-valid = Vigente
status-expiring = Por caducar
status-retraining-due = Recapacitación pendiente
status-level-low = Nivel bajo
status-outdated = Desactualizada
status-expired = Caducada
status-missing = Falta
status-extra = Adicional

## Resultados y motivos
verdict-green = Acceso permitido
verdict-red = Rechazado
verdict-amber = Sin evaluar (ámbar)
reason-unknown-badge = Tarjeta no reconocida
reason-badge-replaced = Tarjeta reemplazada: use su tarjeta nueva
reason-on-leave = El empleado está de permiso
reason-terminated = Tarjeta no válida: ya no trabaja en la empresa
reason-at-station = { $reason } (en { $station })
new-revision = nueva revisión
skill-missing = { $skill } — sin certificación
skill-expired = { $skill } — caducó el { $date }
skill-expiring = { $skill } — caduca el { $date }
skill-retraining-due = { $skill } — { $revision }: nueva capacitación antes del { $date }
skill-outdated = { $skill } — { $revision }: requiere nueva capacitación
skill-level-too-low = { $skill } — nivel { $held } de { $required } requerido

## Panel
dash-compliance = Cumplimiento · { $site }
dash-qualified-of = { $qualified } de { $employees } empleados plenamente habilitados
dash-expiring-within = Caducan en { $days } días
dash-required-certifications = { $count ->
        [one] certificación requerida
       *[other] certificaciones requeridas
    }
dash-gaps = Carencias por competencia
dash-no-gaps = Sin carencias: todos tienen todas las competencias requeridas.
dash-not-qualified = Empleados no habilitados
dash-recent-scans = Lecturas de tarjeta recientes
dash-no-scans = Todavía no hay lecturas.
dash-unknown-badge = tarjeta desconocida

## Mis habilitaciones
me-not-linked = Su usuario no está vinculado a un empleado. Pida a un administrador que lo vincule.
me-talk-to-trainer = Hable con su formador sobre las competencias que faltan.

## Mi cuenta
account-language = Idioma
account-language-browser = El de mi navegador
account-language-help = Caliber usa el idioma de su navegador salvo que elija uno aquí. Los quioscos hablan el idioma de cada empleado.
account-saved = Guardado.

## Página pública de la tarjeta
badge-not-valid = Esta tarjeta no es válida.
badge-status-active = Situación del empleado: activo
badge-status-leave = Situación del empleado: de permiso
badge-qualified = Habilitado para el trabajo asignado
badge-not-qualified = No habilitado: una estación de línea rechazaría esta tarjeta
badge-required-skills = Competencias requeridas
badge-no-skills = No se requiere ninguna competencia.
badge-checked = Comprobado el { $when }
public-url-missing = Todavía no se pueden imprimir tarjetas: Caliber no conoce la dirección que deben abrir los teléfonos y quioscos (public_url no está configurado). Una tarjeta impresa ahora llevaría la dirección que use este navegador, como 127.0.0.1, y no serviría en planta. Configure public_url en /etc/caliber/caliber.toml, por ejemplo public_url = "https://caliber.plant.local", y reinicie Caliber.

## Palabras comunes
edit = Editar
revoke = Revocar
filter = Filtrar
page-previous = Anterior
page-next = Siguiente
page-of = Página { $page } de { $pages }
col-number = Número
col-name = Nombre
col-site = Planta
col-department = Departamento
col-role = Puesto
col-project = Proyecto
col-achieved = Obtenida
col-state = Estado
col-what = Qué
filter-all-sites = Todas las plantas
filter-all-departments = Todos los departamentos
filter-all-roles = Todos los puestos
filter-all-projects = Todos los proyectos
filter-any-status = Cualquier estado
verdict-word-green = verde
verdict-word-red = rojo
verdict-word-amber = ámbar

## Empleados
emp-name-or-number = Nombre o número
emp-count = { $count ->
        [one] { $count } empleado
       *[other] { $count } empleados
    }
emp-new = Nuevo empleado
emp-edit = Editar empleado
emp-edit-title = Editar a { $name }
emp-print-badges = Imprimir tarjetas
emp-print-badge = Imprimir tarjeta
emp-number = Número de empleado
emp-full-name = Nombre completo
emp-projects = Proyectos
emp-status-active = activo
emp-status-leave = de permiso
emp-status-terminated = baja
emp-choose-site = Elija una planta.
emp-employee-number = Empleado { $number }
emp-own-verdict = Resultado para sus asignaciones
emp-qr-alt = Código QR de la tarjeta de { $name }
emp-certify = Certificar a { $name }
emp-regenerate-summary = Generar una tarjeta nueva (tarjeta perdida)
emp-regenerate-confirm = La tarjeta anterior deja de funcionar de inmediato. Hay que imprimir una tarjeta nueva.
emp-regenerate = Generar tarjeta nueva
emp-regenerate-tick = Marque la casilla para confirmar que la tarjeta anterior deja de funcionar.
emp-qualification = Habilitación
emp-achieved-required = Obtenido / requerido
emp-required-by = Requerida por
emp-needs-retraining = { $revision }: requiere nueva capacitación
emp-cert-history = Historial de certificaciones
emp-revoked = Revocada el { $date } por { $by }: { $reason }
emp-on-superseded = Sobre la revisión sustituida { $revision }
emp-live = Vigente
emp-audit-history = Historial de auditoría

## Vencimientos
due-all = todos
due-within = En los próximos
due-days = días
due-hide-expired = ocultar las ya caducadas
due-line = Línea
due-supervisor = Supervisor
due-show = Mostrar
due-csv = CSV de esta lista
due-days-left = Días
due-employee = Empleado
due-summary-expire = { $count ->
        [one] { $count } certificación requerida caduca
       *[other] { $count } certificaciones requeridas caducan
    } en los próximos { $days } días.
due-summary-expired-or-expire = { $count ->
        [one] { $count } certificación requerida caducó o caduca
       *[other] { $count } certificaciones requeridas caducaron o caducan
    } en los próximos { $days } días.

## Matriz
filter-all = Todos
none = Ninguna.
n-of-m = { $n } de { $m }
col-revision = Revisión
col-evidence = Evidencia
cell-valid = OK
cell-expiring = Pronto
cell-retraining-due = Recapacitar pronto
cell-level-low = Bajo
cell-outdated = Recapacitar
matrix-has-status = Con estado
matrix-any = Cualquiera
matrix-skill-contains = La competencia contiene
matrix-show-inactive = Mostrar empleados de permiso o de baja
matrix-export-csv = Exportar CSV
matrix-legend = L2 = nivel obtenido; L1/2 = 1 de 2 requerido. Abra una celda para ver sus orígenes, fechas y evidencias.
matrix-shown = Empleados { $first }–{ $last } de { $employees } × competencias { $skills } de { $all_skills }
matrix-employees-page = Página de empleados
matrix-skills-page = Página de competencias
cell-neither = A { $name } no se le exige { $skill } ni tiene certificación en ella.
cell-level-achieved-required = Nivel obtenido / requerido
cell-max = máx. { $max }
cell-not-required = no requerida (competencia adicional)
cell-certifications-in = Certificaciones en { $skill }
cell-revoked = Revocada el { $date }: { $reason }
cell-counts = Cuenta
cell-certify = Certificar a { $name } en { $skill }

## Aprobaciones
col-certified-by = Certificado por
approvals-intro = Las certificaciones de competencias con doble validación solo cuentan cuando un segundo formador o gestor de competencias las aprueba. No puede aprobar las suyas.
approvals-none = No hay nada pendiente de aprobación.
approvals-yours = suya: la aprueba otra persona
approvals-approve = Aprobar
approvals-reason = Motivo del rechazo
approvals-reject = Rechazar

## Estaciones
stations-extra-skills = Competencias adicionales
stations-screen-now = Pantalla actual
stations-key = Clave
stations-rotate-key = Cambiar clave
stations-new = Nueva estación
stations-extra-skill = Competencia adicional (nivel 1)
stations-create = Crear estación
stations-key-shown-once = La clave de { $station } solo se muestra ahora. Cópiela en el quiosco, en
stations-back = Volver a estaciones
stations-key-title = Clave de la estación

## Certificar y revocar
certify-nothing-certified = No se certificó nada. Corrija los campos marcados y envíe de nuevo.
certify-help = Empleados por número, tarjeta (escanéela: la URL del QR o el código) o nombre exacto. Para certificar varios, uno por línea; se certifica la lista entera o nada.
certify-pick = Buscar un empleado (escriba un nombre o número, o escanee una tarjeta)
certify-employees = Empleado(s), uno por línea
certify-line = Línea { $line }
certify-skill-max = { $skill } (máx. L{ $max })
certify-level = Nivel obtenido
certify-date = Fecha de obtención
certify-revision = Revisión en la que se formó
certify-active-revision = La revisión vigente de la competencia
certify-superseded = sustituida
certify-notes = Notas
certify-done = Certificado: { $names }
certify-assessor = Evaluado por
certify-assessor-me = Usted (déjelo vacío si evaluó usted)
certify-assessor-help = Quién evaluó, si no fue usted: un formador sin usuario, un examinador externo.
certify-evidence = Evidencias
certify-evidence-help = PDF o fotos (PNG, JPEG, GIF, WebP), hasta { $mb } MB en total; se guardan con cada certificación de este formulario.
certify-evidence-kept = Guardados de su envío anterior
certify-evidence-too-large = Los archivos superan { $mb } MB en total; elija menos archivos o más pequeños.
certify-evidence-broken = Los archivos no llegaron completos; elíjalos de nuevo.
certify-done-evidence = Evidencias adjuntas: { $count } archivo(s).
cert-recorded-by = registrado por { $by }
col-assessor = Evaluado por
revoke-title = Revocar certificación
revoke-what = Revocar la certificación de { $name } en { $skill } (nivel { $level }, { $date }).
revoke-already = Ya está revocada.
revoke-effect = Efecto
revoke-not-listed = no figura
revoke-reason = Motivo (obligatorio)
revoke-confirm = Confirmo la revocación
revoke-tick = Marque la casilla para confirmar la revocación.

## Configuración inicial
setup-title = Configurar Caliber
setup-short = Configurar
setup-intro = Este equipo todavía no tiene administrador. Introduzca el código de configuración que muestra su pantalla (o consola) y elija el usuario del administrador.
setup-code = Código de configuración
setup-email = Correo del administrador
setup-password = Contraseña (al menos { $min } caracteres)
setup-password-again = Repita la contraseña
setup-create = Crear el administrador
setup-passwords-differ = Las dos contraseñas no coinciden.

## Copias de seguridad
yes = sí
backup-failed = La última copia de seguridad FALLÓ
backup-overdue = Copias de seguridad ATRASADAS: la última correcta es del { $when }.
backup-never = Todavía no se ha hecho ninguna copia de seguridad en este equipo.
backup-last = Última copia { $when }
backup-stick = Memoria USB { $when }
backup-stick-ok = { $count ->
        [one] { $count } paquete copiado y verificado; puede retirarla.
       *[other] { $count } paquetes copiados y verificados; puede retirarla.
    }
backup-fingerprint = Huella de la clave del equipo (regístrela en el archivo central)
backup-encryption = Cifrado
backup-encrypted = Destinatarios configurados: los paquetes se firman y se cifran con la clave del archivo (age), así que una memoria perdida no revela nada.
backup-no-recipients = Sin destinatarios configurados: los paquetes están
backup-signed-not-encrypted = firmados pero no cifrados
backup-set-recipients = Configure backup_recipients en /etc/caliber/caliber.toml con el destinatario age del archivo.
backup-schedule = Programación
backup-every = cada { $hours } h; se guardan las { $keep } más recientes
backup-on-demand = solo a petición; se guardan las { $keep } más recientes
backup-running = Se está escribiendo una copia (iniciada el { $when }). Esta página se actualiza sola cuando termine.
backup-now = Hacer copia ahora
backup-bundles = Paquetes en este equipo
backup-none-yet = Todavía ninguno.
backup-sequence = Secuencia
backup-written = Escrito
backup-size = Tamaño
backup-encrypted-col = Cifrado
backup-result = Resultado
backup-signed-only = no, solo firmado
backup-written-synced = escrito y sincronizado
backup-download = Descargar
backup-no-such-bundle = No hay ningún paquete llamado { $name }.

## Usuarios
col-role-app = Rol
users-person = Persona
users-active = Activo
users-active-word = activo
users-disabled = desactivado
users-last-login = Último acceso
users-login-lock = Bloqueo de acceso
users-change = Cambiar
users-not-linked = sin vincular a un empleado
users-never = nunca
users-locked = Bloqueado
users-unlock = Desbloquear
users-new-password-optional = Contraseña nueva (opcional)
users-new-password = Contraseña nueva
users-link-employee = Vincular número de empleado
users-new = Nuevo usuario
users-password-min = Contraseña (10 caracteres o más)
users-employee-number-optional = Número de empleado (opcional)
users-create = Crear usuario

## Registro de auditoría
audit-verified = Cadena de auditoría verificada: { $events } eventos, ninguno alterado ni ausente.
audit-broken = CADENA DE AUDITORÍA ROTA
audit-who-contains = Quién (el correo contiene)
audit-record-contains = Registro (el nombre o id contiene)
audit-kind = Tipo
audit-from = Desde
audit-to = Hasta
audit-pages = Páginas de auditoría
audit-newer = Más recientes
audit-older = Más antiguos
audit-page = Página { $page }
audit-no-events = Ningún evento coincide.
audit-when-utc = Cuándo (UTC)
audit-record = Registro
audit-changes = Cambios

## Competencias
search = Buscar
no = no
skills-code = Código
skills-levels = Niveles
skills-levels-range = niveles 1–{ $max }
skills-valid-for = Validez
skills-active-revision = Revisión vigente
skills-months = { $months ->
        [one] { $months } mes
       *[other] { $months } meses
    }
skills-valid-months = válida { $months ->
        [one] { $months } mes
       *[other] { $months } meses
    }
skills-never-expires = no caduca
skills-new = Nueva competencia
skills-validity-field = Validez (meses, vacío = no caduca)
skills-validity-invalid = La validez debe ser un número de meses.
skills-description = Descripción
skills-create = Crear competencia
skills-revisions = Revisiones
skills-label = Etiqueta
skills-effective = En vigor
skills-retraining = Nueva capacitación
skills-grace = Plazo
skills-change-log = Cambios
skills-required = obligatoria
skills-days = { $days ->
        [one] { $days } día
       *[other] { $days } días
    }
skills-activate = Activar
skills-roll-back = Revertir
skills-edit = Editar competencia
skills-new-revision = Nueva revisión (borrador)
skills-what-changed = Qué cambió
skills-must-retrain = Todos los certificados antes deben volver a capacitarse
skills-add-draft = Añadir borrador
skills-scope = Ámbito

## Activación de revisiones
cancel = Cancelar
activate-title = Activar revisión
activate-grace-invalid = el plazo "{ $text }" no es un número de días
activate-now = Ahora
activate-retrain-by = Recapacitar antes del
activate-refused-at = Rechazado en
activate-replaces = Al activar { $revision } se archiva { $old }.
activate-first = Activar { $revision }.
activate-effective = Entra en vigor el
activate-grace = Plazo para la nueva capacitación (días, 0 = ninguno)
activate-update = Actualizar vista previa
activate-nobody = Nadie pasa a RECAPACITACIÓN PENDIENTE ni a DESACTUALIZADA.
activate-due = { $count ->
        [one] { $count } empleado pasa
       *[other] { $count } empleados pasan
    } a RECAPACITACIÓN PENDIENTE: pueden seguir trabajando hasta que acabe el plazo y después se les rechazará en las estaciones indicadas:
activate-outdated = { $count ->
        [one] { $count } empleado queda
       *[other] { $count } empleados quedan
    } DESACTUALIZADOS y se les rechazará en las estaciones indicadas hasta que se vuelvan a capacitar:
activate-button = Activar { $revision }

## Requisitos
delete = Eliminar
req-add-title = Añadir un requisito
req-preview = Ver el impacto
req-add = Añadir requisito
req-applies-to = Se aplica a
req-required-level = Nivel requerido
req-choose-skill = Elija una competencia.
req-give-level = Indique el nuevo nivel.
req-preview-add = Añadir { $skill } con nivel { $level } para { $scope }
req-preview-level = Cambiar { $skill } para { $scope } del nivel { $old } al nivel { $level }
req-preview-delete = Eliminar el requisito { $skill } con nivel { $level } para { $scope }
req-applies = La fila se aplica a { $count } empleado(s).
req-impact-failing = { $count } empleado(s) dejarían de estar cualificados en { $skill }: aparecen primero, con las estaciones que los rechazarían.
req-impact-nobody = El estado de nadie cambia.
req-impact-no-failing = Nadie pierde una cualificación; cambia el estado de { $count } empleado(s).
req-status-now = Ahora
req-status-after = Después
req-allowed-at = Admitido en
req-confirm-level = Cambiar al nivel { $level }
req-confirm-delete = Eliminar el requisito
req-preview-change = Ver el cambio…
skills-roll-back-confirm = Retirar esta revisión y volver a activar la anterior
skills-roll-back-tick = Marque la casilla para confirmar la reversión.

## Hoja de tarjetas
badges-title = Tarjetas
badges-print = Imprimir
badges-sheet = { $count ->
        [one] { $count } tarjeta.
       *[other] { $count } tarjetas.
    } Imprima al 100 % en cartulina CR80 o recorte por las líneas discontinuas.
badges-range = Tarjetas { $first }–{ $last } de { $count }.
badges-pages = Páginas
badges-all-on-one = Las { $count } en una sola página
badges-paged = { $size } por página
badges-none = No hay nadie que imprimir con esta selección.
emp-badge-printers-only = Las tarjetas las imprimen los administradores y los gestores de competencias.

## Actions
action-manage-users = gestionar usuarios
action-manage-revisions = gestionar revisiones
action-manage-stations = gestionar estaciones
action-manage-requirements = gestionar requisitos
action-approve-certifications = aprobar certificaciones
action-view-the-matrix = ver la matriz
action-view-skills = ver competencias
action-revoke-certifications = revocar certificaciones
action-print-badges = imprimir tarjetas
action-manage-skills = gestionar competencias
action-edit-employees = editar empleados
action-create-employees = crear empleados
action-certify = certificar
action-view-the-audit-log = ver el registro de auditoría
action-view-station-screens = ver las pantallas de las estaciones
action-view-requirements = ver requisitos
action-view-evidence = ver evidencias
action-view-employees = ver empleados
action-regenerate-badges = generar tarjetas nuevas
action-manage-backups = gestionar copias de seguridad
action-make-backups = hacer copias de seguridad
action-export-the-matrix = exportar la matriz
action-export-the-audit-log = exportar el registro de auditoría
action-download-backups = descargar copias de seguridad

coverage-title = Quién puede operar cada estación ahora
coverage-explain = Calculado con las mismas reglas que los quioscos. Una estación con menos de { $minimum } personas cualificadas está a una ausencia de pararse; «por caducar» están cualificados ahora pero no dentro de { $days } días; «bloqueados» son personas de la línea de la estación que serían rechazadas ahora.
coverage-qualified = Cualificados ahora
coverage-lapsing = Por caducar
coverage-blocked = Bloqueados en su línea
coverage-below-minimum = Bajo el mínimo
coverage-stations = Estaciones
coverage-lowest = Cobertura mínima
stations-keys = Claves de estación
emp-language = Idioma del quiosco
emp-language-station = El de la estación

## Importaciones, exportaciones, plan de formación y factor autobús
nav-import = Importar
nav-training = Plan de formación
action-import-records = importar registros
action-export-records = exportar registros
due-training-plan = Plan de formación de esta selección
skills-training-plan = Plan de formación de esta competencia: quién la necesita y para cuándo
dash-bus-factor = Estaciones por debajo de la cobertura mínima
dash-bus-factor-below = menos de { $minimum } personas habilitadas ahora
dash-bus-factor-title = Factor autobús: estaciones con pocas personas habilitadas
dash-bus-factor-explain = { $count ->
        [one] { $count } estación tiene
       *[other] { $count } estaciones tienen
    } menos de { $minimum } personas habilitadas para operarlas ahora: una o dos ausencias paran la línea. Abra una estación para ver quién está habilitado, a quién le caduca pronto y quién está bloqueado.
import-help = Traiga empleados o su historial de formación desde una hoja de cálculo. La vista previa muestra qué haría cada fila; no se escribe nada hasta que importe, y entonces todas las filas o ninguna.
import-kind = Qué contiene el archivo
import-kind-employees = Empleados
import-kind-certifications = Certificaciones
import-file = Archivo CSV o XLSX
import-file-help = Como máximo { $mib } MiB. La primera fila nombra las columnas; las exportaciones de abajo tienen la forma que lee la importación.
import-create-missing = Crear los centros, departamentos, puestos, líneas y competencias que el archivo nombra y Caliber aún no tiene
import-preview = Vista previa
import-preview-title = Vista previa de la importación
import-columns = Columnas
import-columns-optional = opcionales:
import-columns-help = Los encabezados se reconocen por su nombre y sinónimos habituales (Employee No, Dept, Job Title, Lines, Valid until…); las fechas son AAAA-MM-DD; centros, departamentos, puestos, líneas y competencias por código o nombre.
import-export-title = Exportar
import-export-help = Las mismas columnas que lee la importación: exporte, edite en una hoja de cálculo e importe de nuevo.
import-export-employees = Empleados (CSV)
import-export-certifications = Certificaciones (CSV)
import-too-large = El archivo supera { $mib } MiB; divídalo en archivos más pequeños.
import-unreadable-upload = No se pudo leer el envío; elija el archivo e inténtelo de nuevo.
import-not-an-upload = Este formulario envía un archivo: use la página de importación.
import-choose-kind = Elija empleados o certificaciones.
import-choose-file = Elija un archivo CSV o XLSX.
import-created = nueva
import-updated = modificada
import-unchanged = sin cambios
import-rejected = rechazada
import-counts = { $rows ->
        [one] { $rows } fila
       *[other] { $rows } filas
    }: { $created } nuevas, { $updated } modificadas, { $unchanged } sin cambios, { $rejected } rechazadas.
import-ignored-columns = Columnas ignoradas (desconocidas): { $columns }
import-would-create = La importación también crearía:
import-created-references = También se creó:
import-fix-rejected = { $rejected ->
        [one] { $rejected } fila está rechazada
       *[other] { $rejected } filas están rechazadas
    }: corríjalas en el archivo y vuelva a subirlo. No se importa nada mientras haya filas rechazadas.
import-nothing-to-change = Nada que cambiar: cada fila coincide con lo que Caliber tiene.
import-commit = Importar este archivo ({ $changes ->
        [one] { $changes } cambio
       *[other] { $changes } cambios
    })
import-another = Importar otro archivo
import-line = Línea
import-record = Registro
import-detail = Motivo o cambio
import-preview-expired = Esta vista previa ha caducado o pertenece a otro usuario: vuelva a subir el archivo.
import-done-title = Importado
import-done = Se importó { $file }.
import-no-such-export = No existe ninguna exportación llamada { $file }.
days-not-a-number = '{ $days }' no es un número de días
plan-reason-missing = sin formación
plan-reason-expired = caducada
plan-reason-outdated = reciclaje vencido
plan-reason-level = nivel insuficiente
plan-reason-retraining = reciclaje pendiente
plan-reason-expiring = caduca pronto
plan-due-now = ya
plan-scope-skill-line = { $skill } en { $line }
plan-scope-skill = { $skill }
plan-scope-line = Línea { $line }
plan-scope-all = Todo el centro
plan-expiring-within = Caducan en los próximos
plan-csv = CSV de este plan
plan-sheet = Hoja de inscripción para imprimir
plan-summary = { $trainings ->
        [one] { $trainings } formación necesaria
       *[other] { $trainings } formaciones necesarias
    } para { $people ->
        [one] { $people } persona
       *[other] { $people } personas
    } (sin formación, caducada, desactualizada, nivel insuficiente, reciclaje pendiente o caduca en los próximos { $days } días).
plan-due = Para
plan-reason = Motivo
plan-levels = Nivel obtenido / requerido
plan-number = Número
plan-signature = Firma
plan-sheet-page = Hojas de inscripción
plan-sheet-title = Inscripción a la formación: { $skill }
plan-sheet-date = Fecha
plan-sheet-time = Hora
plan-sheet-place = Lugar
plan-sheet-trainer = Formador
plan-printed = impreso el { $date }
plan-sheet-count = { $sheets ->
        [one] { $sheets } hoja
       *[other] { $sheets } hojas
    }, { $trainings } nombres.
plan-back = Volver al plan
plan-nobody = Nadie necesita formación en esta selección.
