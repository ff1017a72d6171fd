# Coping suggestions, /sos and /language. The suggestions themselves are in
# prompts/suggestions.toml; these are the words around them.

## Language

# This language's own name, on the buttons that switch to it.
language-name = English
language-ask = Which language should I use? Now: { $current }.
language-set = Okay, I'll write in English from now on.
language-unknown = I don't speak that language yet. I can use: { $available }.
command-language = Change the language

## Buttons under a suggestion

button-sos = 🌊 Urge SOS
button-more-ideas = 💡 Another idea
button-helpful = 👍 Helpful
button-not-for-me = 👎 Not for me

## After a check-in: one suggestion, with a few words that fit the answers

coping-lapse =
    Thank you for telling me. That took courage.
    One use does not erase the progress you have made. What matters now is the next few hours.
coping-lapse-plan = A plan for the next few hours:
coping-lapse-tell = If you can, tell your support person or someone you trust. You don't have to carry this alone. If you have chest pain, trouble breathing or feel unsafe, call { $emergency_number } now or tap 🆘 Crisis help.
coping-craving = Urges like this are hard to sit with. They rise and fall. Something to try right now:
coping-mood = I'm sorry today feels heavy. One small thing that can help:
coping-sleep = Rough nights make everything harder. Something for your sleep:
coping-triggers = Some urge today. It helps to notice what set it off:
coping-halt = A quick check: are you Hungry, Angry, Lonely or Tired?
coping-reinforce =
    { $streak ->
        [0] Well done for checking in.
        [1] Well done for checking in today.
       *[other] That's { $streak } days in a row of checking in. Well done.
    } Small steps like this add up.
coping-reinforce-idea = An idea for today:
coping-another = Another idea:
coping-helpful-saved = Glad it helped. I'll suggest it more often.
coping-not-for-me-saved = Got it, I'll suggest that one less. Here's another idea.
coping-no-more = That's all my ideas for this one. If the urge is strong, tap 🌊 Urge SOS.
coping-gone = That idea is no longer here. Check in with /checkin, or tap 🌊 Urge SOS.

## /sos: a craving right now

sos-start = Let's get through this together. Urges rise, peak and pass, like a wave. Try this now:
sos-rate = How strong is the urge right now? 0 is none, 10 is the strongest ever.
sos-rated = Urge now: { $urge }/10. Thank you. Stay with the step above. I'll check on you in { $minutes } minutes.
sos-followup = It's been { $minutes } minutes. How strong is the urge now? 0 is none, 10 is the strongest ever.
sos-rating-saved = Saved
sos-already-rated = Already saved, thank you.
sos-still-high = Urge now: { $urge }/10. That's a lot to carry. You're still working through it, and that matters. Try this next:
sos-reach-out = Reach out to someone you trust now: a call or a message like "I'm having a hard moment" is enough.
sos-next-check = I'll check on you again in { $minutes } minutes.
sos-last-check = You can start again with /sos any time. If you feel unsafe, tap 🆘 Crisis help.
sos-better = The urge went from { $before } to { $now }. You rode the wave. That counts.
sos-steady = Urge now: { $now }/10. Thank you for telling me. Keep doing what helps, and send /sos any time.
sos-not-enrolled = Here's something to try right now:
sos-join = If you join with /start, I can also check on you later.
command-sos = Craving right now
