# English texts for the recovery check-in bot.
# Plain text: no Markdown or HTML. Keep sentences short and kind. Never give medication advice,
# never shame a lapse. Variables in { $name } are filled in by the bot; `check-content` lists
# which ones each message may use.

## Introduction and consent

intro =
    Hi. I'm a bot that helps you get through the early weeks of recovery, one day at a time.

    What I do:
    • Short check-ins: mood, sleep and cravings. Just taps, under 30 seconds.
    • Coping ideas that fit how you are doing.
    • If you want, a message to a person you choose when things look hard.

    I'm a bot, not a person and not an emergency service. If you are in danger or thinking about hurting yourself, call or text { $crisis_number } ({ $crisis_line }) now. The crisis button below is always there.

    What I store: your check-in answers, your time zone and your language, linked to your Telegram account. Nothing is shared with anyone unless you set that up. Telegram bot chats are not end-to-end encrypted, so Telegram can see this chat.

    Is that OK with you?
button-agree = I agree
button-not-now = Not now
button-crisis = 🆘 Crisis help
button-help = Help
button-checkin-now = Check in now
consent-declined =
    That's fine. I have not saved anything about you, only that you said "not now".
    If you change your mind, send /start. If you need help right now, send /crisis.
consent-agreed = Thank you. One more thing so I ask at the right times.
already-enrolled = You're already set up. Send /checkin any time, or /help to see what I can do.

## Time zone

timezone-ask =
    Which time zone are you in? Tap the one that shows your time now.
    Not listed? Type your city (like Madrid), a zone name (like Europe/Madrid) or your UTC offset (like +2 or -05:00).
timezone-button = { $city } · { $time }
timezone-invalid =
    Sorry, I couldn't find that place. Try a bigger city nearby, a zone name like America/Chicago, or your UTC offset like -6. You can also tap one of the buttons.
timezone-offset-invalid =
    That offset doesn't exist. Offsets go from -12 to +14, like +2, -05:00 or +05:30. Please try again.
timezone-saved =
    Done: { $zone }. Your time now is { $time }.
    You can check in whenever you like with /checkin. Want to try one now?

## Check-in

checkin-progress = Check-in · { $step } of { $total }
checkin-mood = How is your mood right now? 0 is the worst, 10 is the best.
checkin-sleep-hours = How many hours did you sleep last night?
checkin-sleep-quality = How well did you sleep? 0 is terrible, 10 is excellent.
checkin-craving = What was your strongest urge to use since your last check-in? 0 is none, 10 is the strongest ever.
checkin-used =
    Have you used since your last check-in?
    Whatever the answer, it's safe to say here. No judgment.
checkin-note = Anything you want to add? Type a short note (up to { $max } characters), or tap Skip.
button-sleep-most = { $hours }+
button-used-yes = Yes
button-used-no = No
button-used-skip = Prefer not to say
button-note-skip = Skip
checkin-tap-expected = Please tap one of the buttons above to answer.
checkin-number-expected = Please tap a button above, or type a number from { $min } to { $max }.
checkin-note-too-long = That note is { $length } characters. Please keep it under { $max }, or tap Skip.
checkin-replaced = (this check-in was left unfinished; your answers are saved)
checkin-done = Thank you for checking in. Here is what you told me:
summary-mood = Mood: { $mood }/10
summary-sleep-hours = Sleep: { $hours } h
summary-sleep-quality = Sleep quality: { $quality }/10
summary-craving = Strongest urge: { $craving }/10
summary-used = Used since last check-in: { $used }
summary-note = Note: { $note }
summary-used-yes = yes
summary-used-no = no
summary-used-skip = prefer not to say
summary-note-saved = saved (only you can see it)
summary-note-none = none
tap-saved = Saved
tap-already-answered = Already saved. Please answer the question below.
tap-finished = That check-in is finished. Send /checkin to start a new one.
tap-not-valid = That button doesn't work anymore. Send /checkin to start again.
timezone-first = First, please tell me your time zone so I can ask at the right times.

## Other messages

not-enrolled =
    You haven't joined yet. Send /start to read what I do and agree.
    If you need help right now, send /crisis.
help =
    Here's what I can do:
    /checkin - a short check-in: mood, sleep and cravings
    /crisis - crisis line and emergency number, any time
    /help - this list
    /start - the introduction again

    I'm a bot, not an emergency service. If you're in danger, tap Crisis help.
crisis =
    You matter, and you don't have to handle this alone.

    • Call or text { $crisis_number } ({ $crisis_line }), any time, day or night.
    • In immediate danger, call { $emergency_number }.

    If you can, stay with someone you trust or go somewhere safe. Remove anything you could use to hurt yourself.

    I'm a bot, so I can't call for you, but the people at { $crisis_number } can help right now.
button-crisis-link = Open { $crisis_line }
unknown-text = I'm not sure what you mean. Send /checkin to check in, /help for everything I can do, or /crisis if you need help now.
private-only = I only work in private chats. Open a chat with me directly to get started.

## Command list shown in Telegram's menu

command-start = Introduction and sign up
command-checkin = Check in now
command-help = What I can do
command-crisis = Crisis line, any time
