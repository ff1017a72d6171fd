# Textos en español del bot de registros diarios para la recuperación.
# Texto plano: sin Markdown ni HTML. Frases cortas y amables. Nunca dar consejos sobre medicación,
# nunca avergonzar por un consumo. Las variables entre { $name } las rellena el bot; `check-content`
# indica cuáles puede usar cada mensaje.

## Presentación y consentimiento

intro =
    Hola. Soy un bot que te acompaña en las primeras semanas de recuperación, día a día.

    Lo que hago: registros cortos sobre tu ánimo, tu sueño, tus ganas de consumir y si has consumido. Solo tienes que tocar botones, en menos de 30 segundos. Puedes hacer un registro cuando quieras, y puedo recordártelo a las horas que elijas.

    Soy un bot, no una persona ni un servicio de emergencias. Si estás en peligro o piensas en hacerte daño, { $crisis_action } ahora. El botón de crisis de abajo siempre está disponible.

    Lo que guardo, vinculado a tu cuenta de Telegram: tus respuestas (ánimo, sueño, ganas de consumir, si has consumido), las notas que decidas escribir, tu zona horaria, tu idioma y las horas de tus registros. No comparto nada con nadie, salvo que invites a un contacto de apoyo con /contact: entonces eliges qué recibe, esa persona tiene que aceptar y cualquiera de los dos puede terminarlo cuando quiera. Los chats con bots de Telegram no tienen cifrado de extremo a extremo, así que Telegram puede ver este chat.

    Puedes dejarlo cuando quieras: /delete borra todo lo que tengo guardado sobre ti.

    ¿Te parece bien?
button-agree = Acepto
button-not-now = Ahora no
button-crisis = 🆘 Ayuda en crisis
button-help = Ayuda
button-checkin-now = Hacer mi registro
button-change-times = Cambiar horas
consent-declined =
    Está bien. No he guardado nada sobre ti, solo que dijiste "ahora no" (se borra a los 30 días).
    Si cambias de opinión, envía /start. Si necesitas ayuda ahora mismo, envía /crisis.
consent-agreed = Gracias. Una cosa más, para escribirte a las horas adecuadas.
already-enrolled = Ya está todo listo. Envía /checkin cuando quieras, o /help para ver lo que puedo hacer.

## Zona horaria

timezone-ask =
    ¿En qué zona horaria estás? Toca la que muestra tu hora actual.
    ¿No aparece? Escribe tu ciudad (como Madrid), el nombre de una zona (como Europe/Madrid) o tu diferencia con UTC (como +2 o -05:00).
timezone-button = { $city } · { $time }
timezone-invalid =
    Lo siento, no encontré ese lugar. Prueba con una ciudad más grande cercana, un nombre de zona como America/Mexico_City o tu diferencia con UTC, como -6. También puedes tocar uno de los botones.
timezone-offset-invalid =
    Esa diferencia con UTC no existe. Va de -12 a +14, como +2, -05:00 o +05:30. Inténtalo de nuevo.
timezone-saved =
    Listo: { $zone }. Tu hora actual es { $time }.
    Puedes hacer un registro cuando quieras con /checkin. ¿Quieres probar uno ahora?

## Registro

checkin-progress = Registro · { $step } de { $total }
checkin-mood = ¿Cómo está tu ánimo ahora mismo? 0 es lo peor, 10 es lo mejor.
checkin-sleep-hours = ¿Cuántas horas dormiste anoche?
checkin-sleep-quality = ¿Qué tal dormiste? 0 es muy mal, 10 es excelente.
checkin-craving = Desde tu último registro, ¿cuánto llegaron a subir tus ganas de consumir? 0 es nada, 10 es lo más fuerte que has sentido.
checkin-used =
    ¿Has consumido desde tu último registro?
    Sea cual sea la respuesta, aquí puedes decirlo con tranquilidad. Sin juicios.
checkin-note = ¿Quieres añadir algo? Escribe una nota corta (hasta { $max } caracteres) o toca Omitir.
checkin-past-progress = Registro de ayer · { $step } de { $total }
checkin-past-intro = Completando el { $date }. Responde pensando en ese día; los registros de hoy no cambian.
checkin-past-mood = ¿Cómo estuvo tu ánimo ese día, en general? 0 es lo peor, 10 es lo mejor.
checkin-past-sleep-hours = ¿Cuántas horas dormiste la noche antes de ese día?
checkin-past-craving = Ese día, ¿cuánto llegaron a subir tus ganas de consumir? 0 es nada, 10 es lo más fuerte que has sentido.
checkin-past-used =
    ¿Consumiste ese día?
    Sea cual sea la respuesta, aquí puedes decirlo con tranquilidad. Sin juicios.
checkin-past-too-late = Ese registro era del { $date }. Un día sin registro se puede completar hasta el final del día siguiente, y este ya pasó. Puedes hacer el registro de hoy cuando quieras.
summary-past = (Guardado para el día que faltaba.)
button-sleep-most = { $hours }+
button-used-yes = Sí
button-used-no = No
button-used-skip = Prefiero no decirlo
button-note-skip = Omitir
checkin-tap-expected = Toca uno de los botones de abajo para responder. Si necesitas ayuda ahora, toca 🆘 Ayuda en crisis.
checkin-number-expected = Toca un botón de abajo o escribe un número del { $min } al { $max }. Si necesitas ayuda ahora, toca 🆘 Ayuda en crisis.
checkin-text-too-early = Ya tengo tu respuesta a la última pregunta. Aquí va la siguiente:
checkin-text-crossed = Tu mensaje llegó justo cuando aparecía esta pregunta, así que no lo he tomado como respuesta. Aquí está la pregunta otra vez:
checkin-note-too-long = Esa nota tiene { $length } caracteres. Intenta que tenga menos de { $max }, o toca Omitir.
checkin-replaced = (este registro quedó sin terminar; tus respuestas están guardadas)
checkin-done = Gracias por hacer tu registro. Esto es lo que me contaste:
summary-mood = Ánimo: { $mood }/10
summary-sleep-hours = Sueño: { $hours } h
summary-sleep-quality = Calidad del sueño: { $quality }/10
summary-craving = Ganas de consumir (máximo): { $craving }/10
summary-used = Consumo desde el último registro: { $used }
summary-note = Nota: { $note }
summary-used-yes = sí
summary-used-no = no
summary-used-skip = prefiero no decirlo
summary-note-saved = guardada (solo tú puedes verla)
summary-note-none = ninguna
tap-saved = Guardado
tap-already-answered = Ya está guardado. Responde la pregunta de abajo.
tap-finished = Ese registro ya terminó. Envía /checkin para empezar uno nuevo.
tap-not-valid = Ese botón ya no funciona. Envía /checkin para empezar de nuevo.
timezone-first = Primero dime tu zona horaria, así te escribo a las horas adecuadas.

## Otros mensajes

not-enrolled =
    Todavía no te has unido. Envía /start para leer lo que hago y aceptar.
    Si necesitas ayuda ahora mismo, envía /crisis.
help =
    Esto es lo que puedo hacer:
    /checkin - un registro corto: ánimo, sueño y ganas de consumir
    /progreso - tus días sin consumo y tu racha más larga
    /notas - releer (o borrar) las notas que escribiste
    /exportar - una copia de todo lo que guardé sobre ti, en archivos
    /sos - ganas de consumir ahora: un paso para probar, y te pregunto 15 minutos después
    /schedule - las horas de tus registros
    /pause - tomarte un descanso de los registros (/resume para volver)
    /quiet - horas de silencio, en las que no te envío nada
    /crisis - línea de crisis y número de emergencias, a cualquier hora
    /language - cambiar el idioma
    /pais - tu país, para la línea de crisis y el número de emergencias
    /contact - un contacto de apoyo: alguien a quien aviso si se acumulan señales de alarma
    /safetyplan - tu plan de seguridad para los momentos difíciles
    /help - esta lista
    /start - la presentación otra vez
    /delete - borrar todo lo que tengo guardado sobre ti

    Soy un bot, no un servicio de emergencias. Si estás en peligro, toca Ayuda en crisis.
crisis =
    Tu vida importa, y no tienes que enfrentar esto sin ayuda.

    • Por favor, { $crisis_action }.
    • Si estás en peligro inmediato, llama al { $emergency_number }.

    Si puedes, quédate con alguien de confianza o ve a un lugar seguro. Aleja de ti cualquier cosa que pudieras usar para hacerte daño.

    Soy un bot, así que no puedo llamar por ti, pero las personas de { $crisis_line } pueden ayudarte ahora mismo.
# Cómo contactar con la línea de crisis: la opción de escribir solo aparece donde la línea acepta mensajes.
crisis-action =
    { $can_text ->
        [yes] llama o escribe al { $crisis_number } ({ $crisis_line }{ $hours })
       *[no] llama al { $crisis_number } ({ $crisis_line }{ $hours })
    }
# Se añade dentro del paréntesis de arriba para una línea que no atiende día y noche.
crisis-hours-limited = ; no atiende a todas horas: si nadie contesta, llama al número de emergencias
# Debajo de los recursos de crisis: de qué país son y cómo cambiarlo.
crisis-for-country = Estos son los números de { $country }. ¿Estás en otro lugar? Envía /pais.
# Cuando la tabla no tiene línea para el país (se muestra la del operador).
crisis-elsewhere = ¿No estás allí? findahelpline.com reúne líneas de crisis gratuitas y confidenciales por país. Para decirme tu país, envía /pais.
crisis-summary = Línea de crisis en { $country }: { $crisis_number } ({ $crisis_line }). Emergencias: { $emergency_number }.
crisis-summary-fallback = Línea de crisis: { $crisis_number } ({ $crisis_line }). Emergencias: { $emergency_number }.
# Palabras que suenan a emergencia médica (sobredosis, dolor en el pecho, no poder respirar...).
emergency-medical =
    🚑 Esto puede ser una emergencia médica. Llama al { $emergency_number } ahora, o pide a alguien cerca que llame. Di qué se tomó, si lo sabes.

    Mientras esperas: no te quedes a solas, deja de consumir, siéntate o túmbate en un lugar fresco. Si alguien está inconsciente pero respira, ponlo de lado y quédate a su lado.

    Soy un bot: no puedo llamar por ti.
crisis-screen-offer = Si puedes, responde unas pocas preguntas cortas de sí o no, para que pueda ayudarte mejor. Puedes parar cuando quieras.
button-screen-offer = Responder unas preguntas
button-crisis-link = Abrir { $crisis_line }
unknown-text = No entendí bien lo que quieres decir. Envía /checkin para hacer tu registro, /help para ver todo lo que puedo hacer o /crisis si necesitas ayuda ahora.
private-only = Solo funciono en chats privados. Abre un chat directo conmigo para empezar.

delete-ask =
    Esto borra todo lo que tengo guardado sobre ti: tus registros, notas, zona horaria y ajustes. No se puede deshacer.
    ¿Quieres borrarlo todo?
button-delete-yes = Sí, borrar todo
button-cancel = Cancelar
delete-done = Listo. Todo lo que tenía guardado sobre ti está borrado. Si algún día quieres volver, envía /start.
delete-cancelled = No se borró nada.
sorry-try-again = Lo siento, algo falló por mi parte y no pude guardarlo. Inténtalo de nuevo en un momento.

## Lista de comandos del menú de Telegram

command-start = Presentación y primeros pasos
command-checkin = Hacer mi registro
command-help = Lo que puedo hacer
command-crisis = Línea de crisis, a cualquier hora
command-delete = Borrar todo lo guardado sobre mí

## Registros programados

slot-morning = mañana
slot-evening = noche
slot-afternoon = tarde
slot-name-morning = Por la mañana
slot-name-evening = Por la noche
slot-name-afternoon = Por la tarde
q-mood = ánimo
q-sleep = horas de sueño
q-sq = calidad del sueño
q-crave = ganas de consumir
q-used = consumo
q-note = nota
prompt-morning = Buenos días. Es hora de tu registro de la mañana: { $count } preguntas rápidas sobre tu sueño y tu ánimo.
prompt-evening = Buenas noches. Es hora de tu registro de la noche: { $count } preguntas rápidas sobre tu día.
prompt-afternoon = Un registro rápido de la tarde: ¿cuántas ganas de consumir tienes ahora y cómo te sientes? Solo { $count } toques.
reminder = Un pequeño recordatorio: tu registro de la { $kind } sigue aquí para cuando quieras.
button-prompt-start = Empezar registro
button-prompt-later = Recuérdamelo en 30 min
prompt-snoozed = De acuerdo, te lo recuerdo a las { $time }.
prompt-already-done = Ya hiciste tu registro. ¡Gracias!
schedule-defaults = Te pediré tu registro cada mañana a las { $morning } (sueño y ánimo) y cada noche a las { $evening } (ánimo, ganas de consumir, consumo). Cambia las horas cuando quieras con /schedule.
schedule-intro = Tus registros (zona horaria { $zone }):
schedule-line-fixed = • { $name } a las { $time }: { $questions }
schedule-line-window = • { $name }, a una hora al azar entre { $start } y { $end }: { $questions }
schedule-empty = No tienes registros programados. Aun así, puedes hacer un registro cuando quieras con /checkin, o añadir uno abajo.
schedule-paused-note = Los registros están en pausa ahora mismo. Envía /resume para reactivarlos.
button-add-morning = + Mañana
button-add-evening = + Noche
button-add-afternoon = + Tarde
button-remove = Quitar
button-back = Volver
slot-edit-fixed = { $name }: registro { $time }. Toca una hora nueva o escríbela (como 8:30, 20:15 o «lunes a viernes 7:30»), y elige los días abajo.
slot-edit-window = { $name }: un registro al día a una hora al azar entre { $start } y { $end }, distinta cada día. Toca una franja o escribe una hora de inicio (la franja dura 5 horas).
slot-saved = Guardado.
slot-removed = Quitado.
slot-limit = Ya tienes { $max } registros. Quita uno primero.
slot-time-invalid = No pude entender esa hora. Escríbela así: 8:30 o 20:00, o con los días: «lunes a viernes 7:30», «fines de semana 10:00».
pause-ask = ¿Quieres tomarte un descanso de los registros? No te enviaré ninguno hasta que termine. El botón de crisis sigue aquí, y /checkin sigue funcionando.
button-pause-1 = 1 día
button-pause-3 = 3 días
button-pause-7 = 1 semana
button-pause-open = Hasta que envíe /resume
pause-done-until = Registros en pausa hasta el { $date } a las { $time }. Envía /resume si quieres volver antes. Cuídate.
pause-done-open = Registros en pausa hasta que envíes /resume. Cuídate.
resume-done = Qué bueno tenerte de vuelta. Tus registros vuelven a estar activos.
resume-not-paused = Tus registros ya están activos. (Envía /pause para tomarte un descanso.)
quiet-ask = Horas de silencio: durante ellas no te envío nada. Si un registro cae dentro, espera hasta que terminen. Ahora: { $current }. Elige una franja o escríbela así: /quiet 22:30-07:00.
quiet-none = ninguna
quiet-set = Horas de silencio guardadas: de { $start } a { $end }.
quiet-off = Horas de silencio desactivadas.
quiet-invalid = No pude entenderlo. Escríbelo así: /quiet 22:30-07:00, o /quiet off.
button-quiet-off = Desactivar
command-schedule = Horas de los registros
command-pause = Tomar un descanso
command-resume = Reactivar los registros
command-quiet = Horas de silencio

## País: qué línea de crisis y qué número de emergencias mostrar (/pais)

command-country = Tu país, para la línea de crisis
country-ask = ¿En qué país estás? Tócalo abajo o envía /pais y su nombre (por ejemplo /pais Japón).
country-saved = Guardado. A partir de ahora te mostraré estos números:
country-unknown = No conozco ese país.
country-not-listed = Todavía no tengo una línea de crisis comprobada para { $country }. En findahelpline.com hay líneas gratuitas y confidenciales de allí. Mientras tanto te mostraré esta:
country-change-hint = ¿No es tu país? Toca "Cambiar país" o envía /pais.
country-which = ¿En qué país estás? Envía /pais para que pueda mostrarte su línea de crisis.
country-other-help = Envía /pais y el nombre de tu país, en español o en inglés (por ejemplo /pais Japan).
button-country-change = 🌍 Cambiar país
button-country-other = Otro país

## Un registro interrumpido por las preguntas de crisis (ánimo 0)

checkin-paused-for-screen = Tu registro está en pausa. Lo que respondiste está guardado. Puedes seguir con él más tarde, cuando quieras.
button-checkin-resume = Seguir con mi registro

## Reducción de daños después de un consumo
# Fuentes: CDC, "Recognizing an opioid overdose" (https://www.cdc.gov/drugoverdose/prevention/index.html);
# CDC Stop Overdose, fentanilo en otras drogas y tiras reactivas de fentanilo (https://www.cdc.gov/stop-overdose/).

harm-reduction =
    Si vuelves a consumir, algunas cosas pueden ayudarte a estar más a salvo:
    • No consumas a solas. Que haya alguien contigo, o alguien que sepa que debe ver cómo estás.
    • La cocaína puede contener fentanilo, y no se ve, no sabe ni huele. Las tiras reactivas de fentanilo pueden detectarlo; una cantidad menor, y poco a poco, es menos arriesgada.
    • Llama al { $emergency_number } enseguida si hay dolor en el pecho, dificultad para respirar, una convulsión, mucho calor en el cuerpo, o alguien que no despierta, tiene las pupilas muy pequeñas o respira lento o con ronquidos. Quédate con esa persona y ponla de lado.
    • Si puede haber opioides, la naloxona (Narcan) puede revertir una sobredosis. En una farmacia o un servicio de reducción de daños te dirán dónde conseguirla.
button-harm-reduction-off = No mostrar esto otra vez
harm-reduction-off = Entendido, no volveré a mostrarlo.

## Días sin consumo e hitos (/progreso)
command-progress = Mis días sin consumo
progress-title = Tus días sin consumo
progress-window = • Sin consumo: { $free } de { $window ->
        [one] 1 día
       *[other] los últimos { $window } días
    }.
progress-stretch = • { $n ->
        [one] 1 día
       *[other] { $n } días
    } desde el último consumo que me contaste.
progress-after-use = • El último día que me contaste, consumiste. Cada día sin consumo de antes sigue contando, y el próximo empieza una nueva racha.
progress-longest = • Tu racha más larga hasta ahora: { $n ->
        [one] 1 día
       *[other] { $n } días
    }.
progress-unsaid = • Días en que preferiste no decirlo: { $n }.
progress-unanswered = • Días sin respuesta sobre el consumo: { $n }.
progress-neither = «Prefiero no decirlo» no cuenta ni como consumo ni como día sin consumo, igual que un día sin respuesta.
progress-none = Todavía no tengo respuestas sobre el consumo. Después de tu próximo registro verás aquí tus días sin consumo.
progress-milestones-are-on = Te enviaré una nota corta al llegar a 1, 3, 7, 14, 30, 60, 90, 180 y 365 días.
progress-milestones-are-off = Las notas de hitos están desactivadas.
milestone = 🌱 { $days ->
        [one] 1 día
       *[other] { $days } días
    } desde el último consumo que me contaste. { $milestone ->
        [1] Ese primer día es un paso de verdad.
        [3] Los primeros días suelen ser los más duros, y los has superado.
        [7] Una semana entera, cada día tuyo.
        [14] Dos semanas: una rutina va tomando forma.
        [30] Un mes de decisiones que fueron tuyas.
       *[other] Cada uno de esos días fue tuyo.
    }
button-progress = Ver mis días sin consumo
button-milestones-off = Sin notas de hitos
button-milestones-on = Enviar notas de hitos
milestones-off = Entendido: no más notas de hitos.
milestones-on = Las notas de hitos vuelven a estar activas.

## Notas (/notas)
command-notes = Releer mis notas
notes-title = Tus notas, de la más reciente a la más antigua ({ $from }–{ $to } de { $total }). Solo tú puedes verlas.
notes-none = Todavía no has escrito ninguna nota. Al final de un registro puedes añadir una; solo tú puedes verla.
button-note-delete = 🗑 { $n }
button-notes-newer = ◀ Más recientes
button-notes-older = Más antiguas ▶
note-delete-ask =
    ¿Borrar esta nota? No se puede deshacer.

    { $when }
    { $note }
button-note-delete-yes = Sí, borrarla
button-note-keep = Conservarla
note-deleted = Nota borrada.
note-gone = Esa nota ya no está.

## Exportar (/exportar)
command-export = Una copia de mis datos
export-ask =
    Te enviaré dos archivos con todo lo que guardé sobre ti:
    • una hoja de cálculo (CSV) de tus registros: fechas, respuestas y notas;
    • un archivo JSON con todo lo demás: ajustes, horas de los registros, sesiones SOS, plan de seguridad, los nombres de tus contactos y lo que reciben, y las alertas enviadas sobre ti y a quién.

    Telegram guarda los archivos como cualquier mensaje de este chat, en sus servidores, hasta que los borres. Quien pueda abrir tu Telegram podrá abrirlos. ¿Te los envío ahora?
button-export-yes = Sí, envíame los archivos
button-export-first = 📦 Antes, mis datos
export-not-now = No se envió nada. Usa /exportar cuando quieras.
export-csv-caption = Tus registros (CSV, se abre en cualquier hoja de cálculo).
export-json-caption = Todo lo que guardé sobre ti (JSON).
export-failed = No pude enviar tus archivos ahora. Prueba /exportar de nuevo en unos minutos.

## Dates

date-weekday = { $n ->
    [1] lunes
    [2] martes
    [3] miércoles
    [4] jueves
    [5] viernes
    [6] sábado
   *[7] domingo
}
date-month = { $n ->
    [1] enero
    [2] febrero
    [3] marzo
    [4] abril
    [5] mayo
    [6] junio
    [7] julio
    [8] agosto
    [9] septiembre
    [10] octubre
    [11] noviembre
   *[12] diciembre
}
date-month-short = { $n ->
    [1] ene
    [2] feb
    [3] mar
    [4] abr
    [5] may
    [6] jun
    [7] jul
    [8] ago
    [9] sept
    [10] oct
    [11] nov
   *[12] dic
}
date-long = { $weekday } { $day } de { $month }
date-short = { $day } { $month }

## Tu gráfico (/historial) y la reflexión semanal
command-history = Mi gráfico: ánimo, ganas, sueño
history-title = Tus últimos { $days } días · { $from } – { $to }
history-mood = Ánimo (0–10)
history-craving = Ganas más fuertes (0–10)
history-sleep = Horas de sueño
history-checkins = Registros hechos
history-used = Sombreado: un día en que dijiste que consumiste
history-none = Todavía no hay registros en los últimos { $days } días. Después de tu próximo registro, tu gráfico aparecerá aquí.
history-private = Solo tú puedes ver este gráfico. Un día sin respuesta queda en blanco; no cuenta como cero.
button-history-span = { $days } días
button-history-span-current = • { $days } días
button-history = 📈 Ver mi gráfico
insight-sleep-craving = Tus ganas fueron menores los días después de dormir 7 horas o más: { $rested } de media, frente a { $short } tras noches más cortas.
insight-mood-steadier = Esta semana tu ánimo ha sido más estable que la semana anterior.
insight-mood-up = Esta semana tu ánimo fue más alto que la anterior: { $now } de media, frente a { $before }.
insight-mood-down = Esta semana tu ánimo fue más bajo que la anterior: { $now } de media, frente a { $before }. Hay semanas más duras; y aun así seguiste haciendo tus registros.
insight-craving-down = Esta semana tus ganas fueron menores que la anterior: { $now } de media, frente a { $before }.
insight-craving-up = Esta semana tus ganas fueron más fuertes que la anterior: { $now } de media, frente a { $before }. Cuando suban mucho, /sos te acompaña paso a paso.
insight-days = Hiciste tu registro { $days } de los últimos { $of } días.
button-reflection-on = 📅 Quiero una reflexión semanal
button-reflection-off = 📅 Desactivar mi reflexión semanal
reflection-on = Tu reflexión semanal está activada. Llega los domingos a las { $time }, hora local (después de tus horas de silencio, si las cubren); la primera, el { $date }. Solo tú la ves.
reflection-off = La reflexión semanal está desactivada. Puedes volver a activarla en /historial.
reflection-title = 📅 Tu semana, { $from } – { $to }
reflection-none = Esta semana no hiciste ningún registro. No pasa nada. Cuando quieras, /checkin lleva un minuto.
reflection-checkins = Hiciste { $checkins ->
        [one] un registro
       *[other] { $checkins } registros
    }, { $days ->
        [one] 1 día
       *[other] { $days } días
    } de 7.
reflection-mood = Ánimo: { $now }/10 de media{ $trend ->
        [up] , más que la semana anterior ({ $before })
        [down] , menos que la semana anterior ({ $before })
        [same] , parecido a la semana anterior
       *[none] {""}
    }.
reflection-craving = Ganas más fuertes: { $now }/10 de media{ $trend ->
        [up] , más que la semana anterior ({ $before })
        [down] , menos que la semana anterior ({ $before })
        [same] , parecido a la semana anterior
       *[none] {""}
    }.
reflection-sleep = Sueño: { $now } h por noche de media{ $trend ->
        [up] , más que la semana anterior ({ $before } h)
        [down] , menos que la semana anterior ({ $before } h)
        [same] , parecido a la semana anterior
       *[none] {""}
    }.
reflection-best = Tu mejor día: { $date } (ánimo { $mood }/10).
reflection-try = Algo para probar la semana que viene: { $idea }
reflection-footer = Solo tú ves esta reflexión. Tu gráfico está en /historial, donde también puedes desactivarla.

## La semana de un registro (/schedule)
date-weekday-short = { $n ->
    [1] lun
    [2] mar
    [3] mié
    [4] jue
    [5] vie
    [6] sáb
   *[7] dom
}
week-every-day = todos los días
week-weekdays = entre semana
week-weekends = los fines de semana
week-days = los { $days }
week-part = a las { $time } { $days }
week-every-day-button = Todos los días
week-weekdays-button = Entre semana
week-weekends-button = Fines de semana
week-weekend-same = Misma hora el fin de semana
week-weekend-at = Fin de semana { $time }
week-no-day = Deja al menos un día. Para quitar este registro, toca Quitar.
schedule-line-week = • { $name } { $when }: { $questions }
schedule-defaults-list = Tus registros: { $list }. Cambia las horas y los días cuando quieras con /schedule.
