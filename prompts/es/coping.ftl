# Sugerencias, /sos y /language. Las sugerencias están en prompts/suggestions.toml; aquí está
# el texto que las acompaña.

## Idioma

# El nombre de este idioma en su propia lengua, en los botones para cambiar a él.
language-name = Español
language-ask = ¿En qué idioma te escribo? Ahora: { $current }.
language-set = De acuerdo, a partir de ahora te escribo en español.
language-unknown = Todavía no hablo ese idioma. Puedo usar: { $available }.
command-language = Cambiar el idioma

## Botones bajo una sugerencia

button-sos = 🌊 SOS ganas
button-more-ideas = 💡 Otra idea
button-helpful = 👍 Me ayuda
button-not-for-me = 👎 No es para mí

## Después de un registro: una sugerencia, con unas palabras que encajan con las respuestas

coping-lapse =
    Gracias por contármelo. Hace falta valor.
    Un consumo no borra lo que has avanzado. Lo importante ahora son las próximas horas.
coping-lapse-plan = Un plan para las próximas horas:
coping-lapse-tell = Si puedes, cuéntaselo a tu persona de apoyo o a alguien de confianza. No tienes que cargar con esto sin ayuda. Si te duele el pecho, te cuesta respirar o no te sientes a salvo, llama ahora al { $emergency_number } o toca 🆘 Ayuda en crisis.
coping-craving = Cuesta mucho aguantar unas ganas así. Suben y bajan. Algo para probar ahora mismo:
coping-mood = Siento que hoy pese tanto. Una cosa pequeña que puede ayudar:
coping-sleep = Las malas noches lo hacen todo más difícil. Algo para tu descanso:
coping-triggers = Hoy hubo algo de ganas. Ayuda fijarse en qué las despertó:
coping-halt = Una pregunta rápida: ¿sientes hambre, rabia, soledad o cansancio?
coping-reinforce =
    { $streak ->
        [0] Bien hecho: hiciste tu registro.
        [1] Bien hecho: hoy hiciste tu registro.
       *[other] Llevas { $streak } días seguidos haciendo tu registro. Bien hecho.
    } Los pasos pequeños como este suman.
coping-reinforce-idea = Una idea para hoy:
coping-another = Otra idea:
coping-helpful-saved = Me alegra que te ayude. Te la sugeriré más a menudo.
coping-not-for-me-saved = Entendido, te la sugeriré menos. Aquí tienes otra idea.
coping-no-more = Ya no me quedan ideas para esto. Si las ganas son fuertes, toca 🌊 SOS ganas.
coping-gone = Esa idea ya no está. Haz un registro con /checkin o toca 🌊 SOS ganas.

## /sos: ganas de consumir ahora mismo

sos-start = Vamos a superar esto paso a paso. Las ganas suben, llegan a un pico y bajan, como una ola. Prueba esto ahora:
sos-rate = ¿Cuántas ganas de consumir tienes ahora mismo? 0 es nada, 10 es lo más fuerte que has sentido.
sos-rated = Ganas ahora: { $urge }/10. Gracias. Sigue con el paso de arriba. Te vuelvo a preguntar dentro de { $minutes } minutos.
sos-followup = Han pasado { $minutes } minutos. ¿Cuántas ganas de consumir tienes ahora? 0 es nada, 10 es lo más fuerte que has sentido.
sos-rating-saved = Guardado
sos-already-rated = Ya está guardado, gracias.
sos-still-high = Ganas ahora: { $urge }/10. Es mucho para cargar. Sigues haciéndole frente, y eso importa. Prueba ahora esto otro:
sos-reach-out = Escríbele o llama ahora a alguien de confianza: basta con un mensaje como "Estoy pasando un mal momento".
sos-next-check = Te vuelvo a preguntar dentro de { $minutes } minutos.
sos-last-check = Puedes empezar de nuevo con /sos cuando quieras. Si no te sientes a salvo, toca 🆘 Ayuda en crisis.
sos-better = Las ganas bajaron de { $before } a { $now }. Dejaste pasar la ola. Eso cuenta.
sos-steady = Ganas ahora: { $now }/10. Gracias por contármelo. Sigue con lo que te ayuda, y envía /sos cuando quieras.
sos-not-enrolled = Aquí tienes algo para probar ahora mismo:
sos-join = Si te unes con /start, también puedo preguntarte más tarde cómo sigues.
command-sos = Ganas de consumir ahora
