# Contactos de apoyo, alertas, las preguntas de crisis y el plan de seguridad.
# Las alertas van a personas que pueden estar preocupadas: di qué pasó, qué ayuda y qué hacer en
# caso de peligro. Nunca cites las respuestas ni las notas del paciente.

## /contact: los contactos de apoyo del paciente

contact-about =
    Un contacto de apoyo es alguien de confianza: tu padrino o madrina, una amistad, tu familia, tu terapeuta. Si en tus registros se acumulan señales de alarma, le envío una alerta corta para que se ponga en contacto contigo. Nunca ve tus respuestas ni tus notas.
contact-none = Todavía no tienes contactos de apoyo.
contact-list = Tus contactos de apoyo:
contact-line =
    • { $contact }: { $weekly ->
        [yes] alertas y resumen semanal
       *[no] solo alertas
    }{ $use ->
        [yes] , y aviso el día que registres un consumo
       *[no] {""}
    }
contact-pending =
    { $count ->
        [one] Hay una invitación esperando respuesta (los enlaces funcionan durante 24 horas).
       *[other] Hay { $count } invitaciones esperando respuesta (los enlaces funcionan durante 24 horas).
    }
button-invite = ➕ Invitar a alguien
button-link-end = Terminar: { $contact }
button-link-weekly-on = { $contact }: añadir resumen semanal
button-link-weekly-off = { $contact }: solo alertas
button-link-use-on = { $contact }: avisar el día que registre un consumo
button-link-use-off = { $contact }: un consumo solo como señal de alarma
invite-ask-name =
    ¿Qué nombre quieres que vea esa persona? Puede ser tu nombre o un apodo (hasta 40 caracteres). Lo verá en la invitación y en cada alerta.
invite-name-invalid = Escribe un nombre de 1 a 40 caracteres, sin enlaces ni barras.
invite-ask-share =
    ¿Qué quieres que reciba sobre ti, { $name }?

    • Solo alertas: un mensaje corto cuando se acumulan señales de alarma, o enseguida si me dices que no estás a salvo. Indica el tipo de señales (como ganas fuertes de consumir, dormir poco, registros sin hacer o un consumo registrado), nunca tus respuestas ni tus notas. También puede ver cuándo hiciste tu último registro y si tienes los registros en pausa.
    • Alertas y resumen semanal: además, una vez a la semana, cuántos registros hiciste y tu promedio de ánimo, sueño y ganas de consumir. Nunca tus notas, nunca si consumiste.

    Al elegir, aceptas que comparta esto con la persona que acepte. Puedes terminarlo cuando quieras con /contact.
button-share-alerts = Solo alertas
button-share-weekly = Alertas y resumen semanal
invite-link =
    Aquí tienes tu invitación. Toca «Compartir invitación» y elige a la persona: le llegará una nota breve de tu parte con el enlace. O copia el enlace y envíalo tú:

    { $link }

    El enlace funciona una sola vez, durante 24 horas. Te avisaré cuando responda.
# Lo que recibe la persona invitada junto al enlace, en nombre del paciente.
invite-share-text = { $name } quiere que seas su contacto de apoyo en un bot que ayuda con registros diarios en la recuperación. Abre el enlace para ver qué recibirías; no se activa nada a menos que aceptes.
button-share-invite = 📤 Compartir invitación
button-use-name = Usar «{ $name }»
invite-ask-name-again =
    ¿Qué nombre quieres que vea? Toca para usar el de la última vez, o escribe otro (hasta 40 caracteres).
invite-ask-use =
    Una última elección. Si en un registro me dices que consumiste, ¿se lo digo ese mismo día?

    • Sí: recibe un mensaje breve pidiéndole que se ponga en contacto contigo, sin reproches y sin tus respuestas.
    • No: un consumo cuenta como una señal de alarma, y solo se entera si se acumulan señales.

    En cualquier caso, contármelo es seguro, y puedes cambiarlo cuando quieras en /contact.
button-use-tell = Sí, díselo ese día
button-use-sign = No, solo con otras señales
invite-link-unavailable = Lo siento, no pude crear el enlace ahora mismo. Vuelve a probar /contact en un minuto.
invite-accepted-patient =
    { $contact } aceptó tu invitación. A partir de ahora recibirá { $weekly ->
        [yes] alertas y un resumen semanal
       *[no] alertas
    }, como elegiste. Puedes terminarlo cuando quieras con /contact.
contact-unnamed = tu contacto
invite-declined-patient = La persona que invitaste dijo que no, y está bien. Puedes invitar a otra persona con /contact.
link-ended-patient = Listo: { $contact } ya no recibirá alertas sobre ti. Ya le avisé.
link-ended-by-contact = { $contact } dejó de ser tu contacto de apoyo. Puedes invitar a otra persona con /contact.
link-use-changed =
    { $use ->
        [yes] A partir de ahora, avisaré a { $contact } el día que registres un consumo.
       *[no] A partir de ahora, un consumo que registres será solo una señal de alarma para { $contact }: se enterará solo si se acumulan señales.
    } Ya le avisé.
link-weekly-changed =
    A partir de ahora, { $contact } recibirá { $weekly ->
        [yes] alertas y un resumen semanal
       *[no] solo alertas
    }. Ya le avisé.

## La persona invitada

invite-show =
    { $name } te invitó a ser su contacto de apoyo en un bot que acompaña a las personas en el inicio de su recuperación.

    Lo que recibirías:
    { $receive }
    • Nunca sus respuestas detalladas ni sus notas.

    Lo que guardaría sobre ti: tu id de Telegram, tu nombre (lo verá { $name }) y tu idioma, nada más. Puedes dejarlo cuando quieras con /stop.

    ¿Aceptas?
invite-receive-alerts = • Una alerta si se acumulan señales de alarma en sus registros (como ganas fuertes de consumir, ánimo bajo, dormir mal, registros sin hacer o un consumo registrado), o enseguida si me dice que no está a salvo, con lo que puede ayudar.
    • Con /patients: cuándo hizo su último registro y si tiene los registros en pausa.
invite-receive-use = • Si en un registro me dice que consumió: un mensaje breve ese mismo día, para que puedas ponerte en contacto. Lo eligió así.
invite-receive-weekly = • Una vez a la semana, un resumen corto: cuántos registros hizo y su promedio de ánimo, sueño y ganas de consumir.
button-accept = ✅ Aceptar
button-decline = No, gracias
invite-invalid =
    Lo siento, este enlace de invitación no funciona. Puede que ya se haya usado, que haya caducado (los enlaces duran 24 horas) o que se haya copiado incompleto. Pide uno nuevo a la persona que te lo envió.
invite-too-many = Demasiados enlaces de invitación que no funcionaron. Espera una hora y vuelve a intentarlo.
invite-own = Este es tu propio enlace de invitación. Reenvíalo a la persona que quieres como contacto de apoyo.
invite-already = Ya eres contacto de apoyo de { $name }.
invite-accepted-contact =
    Gracias. Ahora eres contacto de apoyo de { $name }.

    Cuando llegue una alerta: ponte en contacto ese mismo día, con una llamada o un mensaje. Escucha más de lo que hablas, sin sermones. Si crees que puede estar en peligro, llama al { $emergency_number }.

    /patients muestra las personas a las que apoyas. /stop termina esto cuando quieras.
invite-declined-contact = De acuerdo. No se configuró nada y no guardo nada sobre ti. Le avisaré.
link-ended-for-contact = { $name } dejó de compartir contigo, así que ya no recibirás más alertas. Gracias por estar ahí.
link-ended-contact = Listo: ya no recibirás alertas sobre { $name }. Ya le avisé.
link-use-for-contact =
    { $name } cambió lo que recibes: { $use ->
        [yes] ahora recibirás un mensaje breve el día que me diga que consumió, para que puedas ponerte en contacto.
       *[no] un consumo que registre será ahora una señal de alarma entre otras, ya no un mensaje aparte.
    }
link-weekly-for-contact =
    { $name } cambió lo que recibes: { $weekly ->
        [yes] alertas y un resumen semanal
       *[no] solo alertas, sin resumen semanal
    }.
stop-choose = ¿A quién quieres dejar de apoyar?
stop-none = Ahora mismo no eres contacto de apoyo de nadie.
button-stop-link = Terminar: { $name }
patients-none = Ahora mismo no eres contacto de apoyo de nadie. Cuando alguien te envíe un enlace de invitación, ábrelo para aceptar.
patients-list = Las personas a las que apoyas:
patients-line = • { $name } (último registro: { $last }). { $status }
patients-never = ninguno todavía
status-ok = Hace sus registros.
status-paused = Puso sus registros en pausa.
status-alert = Señales de alarma: te envié una alerta { $ago }.
status-inactive = No le llegan mis mensajes: puede que me haya bloqueado.
ago-minutes =
    { $n ->
        [one] hace 1 minuto
       *[other] hace { $n } minutos
    }
ago-hours =
    { $n ->
        [one] hace 1 hora
       *[other] hace { $n } horas
    }
ago-days =
    { $n ->
        [one] ayer
       *[other] hace { $n } días
    }
contact-help =
    Eres contacto de apoyo: cuando se acumulan señales de alarma en alguien a quien apoyas, te envío una alerta con lo que puede ayudar.
    /patients - las personas a las que apoyas y cómo están
    /stop - dejar de ser contacto de apoyo
    /crisis - línea de crisis y número de emergencias

## Alertas a los contactos

alert-contact =
    ⚠️ { $name }: en sus registros se han ido acumulando señales de alarma { $over }: { $signals }.

    Lo que ayuda: ponte en contacto hoy, con una llamada o un mensaje. Pregúntale cómo está y escucha. Sin sermones ni reproches. Si crees que puede estar en peligro, llama al { $emergency_number }.

    Soy un bot: solo veo sus registros y nunca comparto sus notas.
alert-escalation =
    ⚠️ { $name }: las señales de alarma de las que te hablé siguen ahí ({ $signals }), y todavía nadie me ha confirmado que se haya puesto en contacto.

    Si puedes, ponte en contacto hoy, aunque sea con un mensaje corto. Si no puedes, quizá puedas pedírselo a otra persona cercana. Si crees que puede estar en peligro, llama al { $emergency_number }.
alert-use =
    { $name } me dijo en un registro que consumió. Una recaída puntual es frecuente en la recuperación y no lo echa todo a perder: lo que más ayuda ahora es apoyo sin reproches.

    Ponte en contacto hoy, con una llamada o un mensaje. Pregúntale cómo está y escucha, sin sermones. Si consumió mucho, o tiene dolor en el pecho, dificultad para respirar o parece confundido(a), llama al { $emergency_number }.

    Al invitarte, eligió que te avisara de esto.
alert-request =
    💬 { $name } me pidió que te dijera que le gustaría que te pusieras en contacto.

    Basta con una llamada o un mensaje corto hoy. No hace falta que menciones este bot ni que preguntes por sus registros. Si crees que puede estar en peligro, llama al { $emergency_number }.
alert-crisis =
    🆘 { $name } acaba de decirme que quizá no esté a salvo ahora mismo.

    Por favor, ponte en contacto ahora: llama si puedes. Si crees que está en peligro inmediato, llama al { $emergency_number }. Ya le mostré cómo pedir ayuda: { $crisis_action }.
button-reached = ✅ Ya me puse en contacto
button-cant = Ahora no puedo
alert-thanks-reached = Gracias. Ya le conté a { $name } que te pusiste en contacto.
alert-thanks-cant = Gracias por decírmelo. Si puedes, pide a otra persona cercana que le pregunte cómo está. Si crees que puede estar en peligro, llama al { $emergency_number }.
alert-answered = Ya respondiste a esta alerta.
# Una señal y cuántas veces se vio ($count), para "en los últimos 2 días: ganas fuertes en 2
# registros, dormir poco 2 noches".
signal-craving-high = { $count ->
    [one] ganas fuertes de consumir en un registro
   *[other] ganas fuertes de consumir en { $count } registros
}
signal-craving-rising = { $count ->
   *[other] ganas de consumir que aumentan de un registro al siguiente
}
signal-craving-above-usual = { $count ->
    [one] unas ganas de consumir muy por encima de lo habitual en esa persona
   *[other] ganas de consumir muy por encima de lo habitual en esa persona, { $count } veces
}
signal-sos-urge-high = { $count ->
    [one] unas ganas que siguieron fuertes incluso después de los pasos de SOS del bot
   *[other] ganas que siguieron fuertes incluso después de los pasos de SOS del bot ({ $count } veces)
}
signal-mood-low = { $count ->
    [one] ánimo bajo en un registro
   *[other] ánimo bajo en { $count } registros
}
signal-sleep-short = { $count ->
    [one] dormir poco una noche
   *[other] dormir poco { $count } noches
}
signal-sleep-long = { $count ->
    [one] dormir demasiado una noche
   *[other] dormir demasiado { $count } noches
}
signal-sleep-poor = { $count ->
    [one] dormir mal una noche
   *[other] dormir mal { $count } noches
}
signal-use = { $count ->
    [one] un consumo registrado
   *[other] { $count } consumos registrados
}
signal-missed = { $count ->
    [one] sin respuesta cuando pregunté por su estado tras registros sin hacer
   *[other] sin respuesta, { $count } veces, cuando pregunté por su estado tras registros sin hacer
}
signal-not-great = { $count ->
    [one] «no muy bien» cuando le pregunté si estaba bien
   *[other] «no muy bien», { $count } veces, cuando le pregunté si estaba bien
}
signal-crisis-screen = { $count ->
   *[other] respuestas afirmativas en las preguntas de crisis
}
# Las mismas señales, tal como las lee el paciente sobre sí mismo.
signal-you-craving-high = { $count ->
    [one] ganas fuertes de consumir en un registro
   *[other] ganas fuertes de consumir en { $count } registros
}
signal-you-craving-rising = { $count ->
   *[other] ganas de consumir que aumentan de un registro al siguiente
}
signal-you-craving-above-usual = { $count ->
    [one] unas ganas muy por encima de lo habitual para ti
   *[other] ganas muy por encima de lo habitual para ti, { $count } veces
}
signal-you-sos-urge-high = { $count ->
    [one] unas ganas que siguieron fuertes incluso después de los pasos de SOS
   *[other] ganas que siguieron fuertes incluso después de los pasos de SOS ({ $count } veces)
}
signal-you-mood-low = { $count ->
    [one] ánimo bajo en un registro
   *[other] ánimo bajo en { $count } registros
}
signal-you-sleep-short = { $count ->
    [one] dormir poco una noche
   *[other] dormir poco { $count } noches
}
signal-you-sleep-long = { $count ->
    [one] dormir demasiado una noche
   *[other] dormir demasiado { $count } noches
}
signal-you-sleep-poor = { $count ->
    [one] dormir mal una noche
   *[other] dormir mal { $count } noches
}
signal-you-use = { $count ->
    [one] un consumo que me contaste
   *[other] { $count } consumos que me contaste
}
signal-you-missed = { $count ->
    [one] sin respuesta cuando pregunté cómo estabas tras registros sin hacer
   *[other] sin respuesta, { $count } veces, cuando pregunté cómo estabas tras registros sin hacer
}
signal-you-not-great = { $count ->
    [one] «no muy bien» cuando te pregunté cómo estabas
   *[other] «no muy bien», { $count } veces, cuando te pregunté cómo estabas
}
signal-you-crisis-screen = { $count ->
   *[other] tus respuestas a las preguntas de crisis
}
# "en los últimos 2 días"
signal-days = { $days ->
    [one] en el último día
   *[other] en los últimos { $days } días
}

## Lo que se le dice al paciente

alert-patient-told =
    Noté que se estaban acumulando señales de alarma { $over } ({ $signals }), así que avisé a { $contacts }, como aceptaste al hacer la invitación. Quizá hoy recibas un mensaje o una llamada. No tienes que dar explicaciones.
alert-patient-use-told = { $count ->
    [one] Como elegiste al invitarle, avisé a { $contacts } para que pueda ponerse en contacto contigo.
   *[other] Como elegiste al invitarles, avisé a { $contacts } para que puedan ponerse en contacto contigo.
} No tienes que dar explicaciones.
use-told-unreachable = No pude avisar a { $contacts } como elegiste: ahora mismo mis mensajes no llegan. Si quieres apoyo ahora, por favor, { $crisis_action }, o habla con alguien de confianza.
button-ask-reach-out = { $count ->
    [one] 💬 Pedir a { $contacts } que me escriba
   *[other] 💬 Pedir a { $contacts } que me escriban
}
reach-out-sent = { $count ->
    [one] Le estoy pidiendo a { $contacts } que se ponga en contacto contigo. 💙 Verá
   *[other] Les estoy pidiendo a { $contacts } que se pongan en contacto contigo. 💙 Verán
} un mensaje breve mío, sin tus respuestas. Te diré cuando haya llegado.
reach-out-already = { $count ->
    [one] Ya le pedí a { $contacts } que se ponga en contacto contigo. Lo verá.
   *[other] Ya les pedí a { $contacts } que se pongan en contacto contigo. Lo verán.
}
reach-out-none = Ahora mismo no hay ningún contacto de apoyo al que pueda escribir por ti. Puedes invitar a alguien con /contact.
alert-patient-crisis = Por tus respuestas, estoy avisando ahora mismo a { $contacts } de que quizá no estés a salvo, para que puedas recibir apoyo. Es lo que aceptaste al hacer la invitación.
alert-delivered = { $count ->
    [one] ✓ Mi mensaje ya le llegó a { $contacts }.
   *[other] ✓ Mi mensaje ya les llegó a { $contacts }.
}
alert-undelivered = Lo siento: intenté avisar a { $contacts }, pero mi mensaje no llegó, así que { $count ->
    [one] no sabe nada todavía
   *[other] no saben nada todavía
}. Si quieres apoyo ahora, por favor, { $crisis_action }, o habla con alguien de confianza.
alert-no-contacts =
    Noté que se estaban acumulando señales de alarma ({ $signals }). { $why ->
        [none] Todavía no tienes un contacto de apoyo al que avisar.
       *[unreachable] Mi mensaje no le llegó a tu contacto de apoyo.
    }

    No tienes que pasar por esto sin ayuda. Por favor, { $crisis_action }. Ahora mismo, /sos te ayuda con las ganas de consumir, y hacer un registro me ayuda a ayudarte. Puedes añadir un contacto de apoyo con /contact.
alert-acknowledged = { $contact } dice que se puso en contacto contigo. 💙
contact-unreachable =
    Mis mensajes no le llegan a { $contact }: puede que me haya bloqueado. No recibirá alertas hasta que vuelva a abrir el chat conmigo. Puedes invitar a otra persona con /contact. Si necesitas ayuda ahora, { $crisis_action }.

## "¿Estás bien?" tras registros sin hacer

ok-check = Hola. Hace un par de registros que no sé de ti, así que quería preguntarte: ¿estás bien? No hace falta que expliques nada; basta con un toque.
button-ok-fine = Estoy bien
button-ok-not-great = No muy bien
ok-fine = Gracias por decírmelo. 💙 Haz tu registro cuando puedas.
ok-not-great = Gracias por contármelo. ¿Qué te ayudaría ahora mismo?

## Las preguntas de crisis (cribado C-SSRS)

# Una frase antes de la primera pregunta, cuando las preguntas siguen a un ánimo de 0 o a unas ganas de 10.
screen-bridge-mood = Valoraste tu ánimo con un 0, lo más bajo posible. Siento que esté siendo tan difícil ahora. Antes de nada, quiero comprobar que estás a salvo.
screen-bridge-sos = Unas ganas de 10 son mucho peso, y unas ganas tan fuertes pueden venir con pensamientos muy oscuros. Antes de seguir, quiero comprobar que estás a salvo.
# Después de un sí a la intención, a un plan o a haberse preparado: palabras directas primero.
screen-urgent =
    Gracias por contármelo. Esto es serio, y mereces ayuda ahora mismo.
    Por favor, { $crisis_action } ahora, mientras hablamos. Si crees que podrías actuar según estos pensamientos, llama al { $emergency_number }.
    ¿Estás en un lugar seguro durante la próxima hora? Si puedes, aléjate de cualquier cosa que pudieras usar para hacerte daño.
    ¿Hay alguien contigo? Si no, pide a alguien que venga, o ve a donde haya gente.
button-not-safe = 🛑 No estoy a salvo
screen-intro =
    Soy un bot, no una persona, y quiero asegurarme de que recibas la ayuda adecuada. Te haré unas preguntas de sí o no sobre el tiempo desde la última vez que hablamos. Puedes parar cuando quieras: la línea de crisis está en los botones de abajo.
screen-q1 = ¿Has deseado estar muerto(a) o poder dormirte y no despertar?
screen-q2 = ¿Has tenido realmente la idea de suicidarte?
screen-q3 = ¿Has pensado en cómo llevarías esto a cabo?
screen-q4 = ¿Has tenido estas ideas y en cierto grado la intención de llevarlas a cabo?
screen-q5 = ¿Has comenzado a elaborar o has elaborado los detalles sobre cómo suicidarte? ¿Tienes intenciones de llevar a cabo este plan?
screen-q6 = ¿Has hecho algo, comenzado a hacer algo o te has preparado para hacer algo para terminar con tu vida?
button-yes = Sí
button-no = No
screen-help =
    Gracias por contármelo. Hace falta valor, y no tienes que cargar con esto sin ayuda.

    Por favor, { $crisis_action } ahora. Si estás en peligro inmediato, llama al { $emergency_number }.

    Un plan de seguridad ayuda en momentos así: tus señales de alarma, lo que te calma, a quién llamar y cómo hacer más seguro tu espacio. { $has_plan ->
        [yes] Toca abajo para ver el tuyo.
       *[no] Toca abajo para escribir uno. Te llevará unos minutos.
    }
screen-all-no =
    Gracias por responder. Me alegra que ahora mismo estés a salvo. Si eso cambia, los botones de crisis siempre están aquí, respondieras lo que respondieras antes. Si tienes ganas de consumir, prueba /sos.
screen-stale = Esa pregunta ya está respondida.

## Plan de seguridad

plan-none =
    Todavía no tienes un plan de seguridad. Es un plan corto que escribes para los momentos difíciles: tus señales de alarma, lo que te calma, a quién puedes acudir, los servicios a los que puedes llamar, cómo hacer más seguro tu espacio y tus razones para vivir. Es solo para ti; nunca lo comparto.
plan-show =
    Tu plan de seguridad (solo tú puedes verlo):

    1. Mis señales de alarma: { $signs }
    2. Lo que puedo hacer por mi cuenta: { $coping }
    3. Personas a las que puedo acudir: { $people }
    4. Profesionales y servicios a los que puedo llamar: { $professionals }
    5. Cómo hacer más seguro mi espacio: { $safe }
    6. Mis razones para vivir: { $reasons }
    Línea de crisis: { $crisis_action }. En peligro inmediato: { $emergency_number }.
plan-empty-part = (todavía sin escribir)
button-plan-write = ✍️ Escribir mi plan de seguridad
button-plan-rewrite = ✍️ Reescribirlo
button-plan-show = 📋 Mi plan de seguridad
button-plan-skip = Omitir
plan-ask-warning_signs = 1 de 6. ¿Qué señales de alarma te indican que puede venir una crisis? Pensamientos, sentimientos, situaciones. Escribe unas palabras o toca Omitir.
plan-ask-coping = 2 de 6. ¿Qué puedes hacer por tu cuenta para distraerte o calmarte? Salir a caminar, poner música, darte una ducha…
plan-ask-people = 3 de 6. ¿A quién puedes acudir? Nombres y números de personas de confianza, o lugares donde haya gente.
plan-ask-professionals = 4 de 6. ¿A qué profesionales o servicios puedes acudir? Tu terapeuta, tu médico, un centro, un grupo de apoyo. La línea de crisis ya está en tu plan: { $crisis_summary }
plan-ask-safe_place = 5 de 6. ¿Cómo puedes hacer más seguro tu espacio? Por ejemplo, pedirle a alguien que guarde las cosas con las que podrías hacerte daño.
plan-ask-reasons = 6 de 6. ¿Cuáles son tus razones para vivir? Personas, mascotas, ilusiones, cosas que aún quieres hacer. Con una basta.
plan-too-long = Es un poco largo: intenta que cada parte tenga menos de { $max } caracteres.
plan-saved = Tu plan de seguridad está guardado. Puedes verlo cuando quieras con /safetyplan.

## Resumen semanal (solo si el paciente lo eligió)

weekly-summary =
    Resumen semanal de { $name }, últimos 7 días:
    • Registros: { $checkins }
    • Ánimo promedio: { $mood }
    • Sueño promedio: { $sleep }
    • Ganas de consumir (máximo), promedio: { $craving }

    No incluye notas ni nada sobre consumo. Un mensaje amable de vez en cuando ayuda más que preguntar por los números.
weekly-none = sin respuestas

## Menú de comandos

command-contact = Mis contactos de apoyo
command-safetyplan = Mi plan de seguridad
command-patients = Personas a las que apoyo
command-stop = Dejar de ser contacto de apoyo

## Dentro de las preguntas de crisis, cuando no se pudo avisar a ningún contacto
alert-no-contacts-crisis = { $why ->
        [unreachable] Ahora no pude contactar a tus contactos de apoyo, así que nadie ha recibido aviso.
       *[none] Todavía no tienes un contacto de apoyo, así que nadie ha recibido aviso.
    } Si puedes, llama o escribe ahora a alguien de confianza. Más adelante, /contact te permite invitar a alguien.
screen-use-buttons = Por favor, responde a la pregunta de arriba con Sí o No. Si necesitas ayuda ahora, la línea de crisis está a un toque ahí.

## Where the patient is (under every alert)

alert-where = { $name } está en { $country }: emergencias { $emergency_number }, línea de crisis { $crisis_number } ({ $crisis_line }).
alert-where-unknown = Número de emergencias donde vive { $name }: { $emergency_number }; línea de crisis { $crisis_number } ({ $crisis_line }). Si está en otro país, llama al número de emergencias de ese país.

## Lists of names ("Sam and Carlos")
list-and = { $rest } y { $last }
