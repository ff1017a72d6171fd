# English texts for the recovery check-in bot.
# Plain text: no Markdown or HTML. Keep sentences short and kind. Never give medication advice,
# never shame a lapse. Variables in { $name } are filled in by the bot; `check-content` lists
# which ones each message may use.

## Introduction and consent

intro =
    Hi. I'm a bot that helps you get through the early weeks of recovery, one day at a time.

    What I do: short check-ins about your mood, sleep, cravings and whether you used. Just taps, under 30 seconds. You can check in when you like, and I can remind you at times you choose.

    I'm a bot, not a person and not an emergency service. If you are in danger or thinking about hurting yourself, { $crisis_action } now. The crisis button below is always there.

    What I store, linked to your Telegram account: your answers (mood, sleep, cravings, whether you used), any notes you choose to write, your time zone, language and check-in times. I share nothing with anyone, unless you invite a support contact with /contact: then you choose what they receive, they must accept, and either of you can end it at any time. Telegram bot chats are not end-to-end encrypted, so Telegram can see this chat.

    You can stop at any time: /delete erases everything I stored about you.

    Is that OK with you?
button-agree = I agree
button-not-now = Not now
button-crisis = 🆘 Crisis help
button-help = Help
button-checkin-now = Check in now
button-change-times = Change times
consent-declined =
    That's fine. I have not saved anything about you, only that you said "not now" (forgotten after 30 days).
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
checkin-past-progress = Yesterday's check-in · { $step } of { $total }
checkin-past-intro = Filling in { $date }. Answer for that day; today's check-ins stay as they are.
checkin-past-mood = How was your mood that day, overall? 0 is the worst, 10 is the best.
checkin-past-sleep-hours = How many hours did you sleep the night before that day?
checkin-past-craving = What was your strongest urge to use that day? 0 is none, 10 is the strongest ever.
checkin-past-used =
    Did you use that day?
    Whatever the answer, it's safe to say here. No judgment.
checkin-past-too-late = That check-in was for { $date }. A missed day can be filled in until the end of the next day, so this one has passed. You can check in for today whenever you like.
summary-past = (Saved for the missed day.)
button-sleep-most = { $hours }+
button-used-yes = Yes
button-used-no = No
button-used-skip = Prefer not to say
button-note-skip = Skip
checkin-tap-expected = Please tap one of the buttons below to answer. If you need help now, tap 🆘 Crisis help.
checkin-number-expected = Please tap a button below, or type a number from { $min } to { $max }. If you need help now, tap 🆘 Crisis help.
checkin-text-too-early = I already have your answer to the last question. Here is the next one:
checkin-text-crossed = Your message arrived just as this question appeared, so I haven't used it as an answer. Here is the question again:
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
    /progress - your use-free days and longest stretch
    /notes - re-read (or delete) the notes you wrote
    /export - a copy of everything I stored about you, as files
    /sos - a craving right now: a step to try, and I check on you 15 minutes later
    /schedule - when I check in with you
    /pause - take a break from check-ins (/resume to start again)
    /quiet - hours when I send nothing
    /crisis - crisis line and emergency number, any time
    /language - change the language
    /country - your country, for the crisis line and emergency number
    /contact - a support contact: someone I alert when warning signs build up
    /safetyplan - your safety plan for hard moments
    /help - this list
    /start - the introduction again
    /delete - erase everything I stored about you

    I'm a bot, not an emergency service. If you're in danger, tap Crisis help.
crisis =
    You matter, and you don't have to handle this alone.

    • Please { $crisis_action }.
    • In immediate danger, call { $emergency_number }.

    If you can, stay with someone you trust or go somewhere safe. Remove anything you could use to hurt yourself.

    I'm a bot, so I can't call for you, but the people at { $crisis_line } can help right now.
# How to reach the crisis line: texting is offered only where the line accepts texts.
crisis-action =
    { $can_text ->
        [yes] call or text { $crisis_number } ({ $crisis_line }{ $hours })
       *[no] call { $crisis_number } ({ $crisis_line }{ $hours })
    }
# Added inside the brackets above for a line that does not answer day and night.
crisis-hours-limited = , not open at all hours: if no one answers, call the emergency number
# Under the crisis resources: which country they are for, and how to change it.
crisis-for-country = These are the numbers for { $country }. Somewhere else? Send /country.
# Where the table has no line for the patient's country (the operator's line is shown).
crisis-elsewhere = Not where you are? findahelpline.com lists free, confidential crisis lines by country. To tell me your country, send /country.
crisis-summary = Crisis line for { $country }: { $crisis_number } ({ $crisis_line }). Emergency: { $emergency_number }.
crisis-summary-fallback = Crisis line: { $crisis_number } ({ $crisis_line }). Emergency: { $emergency_number }.
# Typed words that sound like a medical emergency (overdose, chest pain, can't breathe...).
emergency-medical =
    🚑 This may be a medical emergency. Call { $emergency_number } now, or ask someone near you to call. Say what was taken, if you know.

    While you wait: don't stay alone, stop using, sit or lie down somewhere cool. If someone is unconscious but breathing, turn them on their side and stay with them.

    I'm a bot: I can't call for you.
crisis-screen-offer = If you can, answer a few short yes or no questions, so I can help you better. You can stop at any time.
button-screen-offer = Answer a few questions
button-crisis-link = Open { $crisis_line }
unknown-text = I'm not sure what you mean. Send /checkin to check in, /help for everything I can do, or /crisis if you need help now.
private-only = I only work in private chats. Open a chat with me directly to get started.

delete-ask =
    This erases everything I stored about you: your check-ins, notes, time zone and settings. It cannot be undone.
    Do you want to delete everything?
button-delete-yes = Yes, delete everything
button-cancel = Cancel
delete-done = Done. Everything I stored about you is deleted. If you ever want to come back, send /start.
delete-cancelled = Nothing was deleted.
sorry-try-again = Sorry, something went wrong on my side and I couldn't save that. Please try again in a moment.

## Command list shown in Telegram's menu

command-start = Introduction and sign up
command-checkin = Check in now
command-help = What I can do
command-crisis = Crisis line, any time
command-delete = Erase everything stored about me

## Scheduled check-ins

slot-morning = morning
slot-evening = evening
slot-afternoon = afternoon
slot-name-morning = Morning
slot-name-evening = Evening
slot-name-afternoon = Random afternoon
q-mood = mood
q-sleep = hours slept
q-sq = sleep quality
q-crave = cravings
q-used = use
q-note = note
prompt-morning = Good morning. Time for your morning check-in: { $count } quick questions about your sleep and mood.
prompt-evening = Good evening. Time for your evening check-in: { $count } quick questions about your day.
prompt-afternoon = A quick afternoon check-in: how strong is the urge right now, and how are you feeling? { $count } taps.
reminder = A gentle reminder: your { $kind } check-in is still here whenever you're ready.
button-prompt-start = Start check-in
button-prompt-later = Remind me in 30 min
prompt-snoozed = Okay, I'll remind you at { $time }.
prompt-already-done = You already checked in. Thank you!
schedule-defaults = I'll check in with you every morning at { $morning } (sleep and mood) and every evening at { $evening } (mood, cravings, use). Change the times any time with /schedule.
schedule-intro = Your check-ins (times in { $zone }):
schedule-line-fixed = • { $name } at { $time }: { $questions }
schedule-line-window = • { $name }, at a random time between { $start } and { $end }: { $questions }
schedule-empty = You have no scheduled check-ins. You can still check in any time with /checkin, or add one below.
schedule-paused-note = Check-ins are paused right now. Send /resume to start them again.
button-add-morning = + Morning
button-add-evening = + Evening
button-add-afternoon = + Afternoon
button-remove = Remove
button-back = Back
slot-edit-fixed = { $name } check-in at { $time }. Tap a new time, or type one (like 8:30, 20:15 or "weekdays at 7:30"), and choose the days below.
slot-edit-window = { $name } check-in: once a day at a random time between { $start } and { $end }, a different time each day. Tap a window, or type a start time (the window is 5 hours).
slot-saved = Saved.
slot-removed = Removed.
slot-limit = You already have { $max } check-ins. Remove one first.
slot-time-invalid = I couldn't read that time. Please type it like 8:30 or 20:00, or with days: "weekdays at 7:30", "weekends 10:00".
pause-ask = Take a break from check-ins? I won't send any until the break ends. The crisis button stays here, and /checkin still works.
button-pause-1 = 1 day
button-pause-3 = 3 days
button-pause-7 = 1 week
button-pause-open = Until I send /resume
pause-done-until = Check-ins paused until { $date } at { $time }. Send /resume to start again sooner. Take care of yourself.
pause-done-open = Check-ins paused until you send /resume. Take care of yourself.
resume-done = Welcome back. Your check-ins are on again.
resume-not-paused = Your check-ins are already on. (Send /pause to take a break.)
quiet-ask = Quiet hours: I send nothing during them. A check-in that falls inside waits until they end. Now: { $current }. Pick a window, or type it like /quiet 22:30-07:00.
quiet-none = none
quiet-set = Quiet hours set: { $start } to { $end }.
quiet-off = Quiet hours are off.
quiet-invalid = I couldn't read that. Type it like /quiet 22:30-07:00, or /quiet off.
button-quiet-off = Off
command-schedule = Check-in times
command-pause = Take a break from check-ins
command-resume = Turn check-ins back on
command-quiet = Quiet hours

## Country: which crisis line and emergency number to show (/country)

command-country = Your country, for the crisis line
country-ask = Which country are you in? Tap it below, or send /country and its name (for example /country Japan).
country-saved = Saved. From now on I'll show you these numbers:
country-unknown = I don't know that country.
country-not-listed = I don't have a checked crisis line for { $country } yet. findahelpline.com lists free, confidential lines there. Until then I'll show this:
country-change-hint = Not your country? Tap "Change country" or send /country.
country-which = Which country are you in? Send /country so I can show its crisis line.
country-other-help = Send /country and the name of your country, in English or Spanish (for example /country Japan).
button-country-change = 🌍 Change country
button-country-other = Another country

## A check-in interrupted by the crisis screen (a mood of 0)

checkin-paused-for-screen = Your check-in is paused. What you answered is saved. You can go on with it later, whenever you're ready.
button-checkin-resume = Go on with my check-in

## Harm reduction after a reported use
# Sources: CDC, "Recognizing an opioid overdose" (https://www.cdc.gov/drugoverdose/prevention/index.html);
# CDC Stop Overdose, fentanyl in other drugs and fentanyl test strips (https://www.cdc.gov/stop-overdose/).

harm-reduction =
    If you use again, a few things can keep you safer:
    • Don't use alone. Have someone with you, or someone who knows to check on you.
    • Cocaine can contain fentanyl, and you can't see, taste or smell it. Fentanyl test strips can find it; a smaller amount, taken slowly, is less risky.
    • Call { $emergency_number } at once for chest pain, trouble breathing, a seizure, overheating, or someone who won't wake up, has tiny pupils, or slow breathing or gurgling. Stay with them and turn them on their side.
    • If opioids may be involved, naloxone (Narcan) can reverse an overdose. A pharmacy or a harm-reduction service can tell you where to get it.
button-harm-reduction-off = Don't show this again
harm-reduction-off = Got it, I won't show this again.

## Use-free days and milestones (/progress)
command-progress = My use-free days
progress-title = Your use-free days
progress-window = • Use-free: { $free } of { $window ->
        [one] 1 day
       *[other] the last { $window } days
    }.
progress-stretch = • { $n ->
        [one] 1 day
       *[other] { $n } days
    } since the last use you told me about.
progress-after-use = • The last day you told me about, you used. Every use-free day before it still counts, and the next one starts a new stretch.
progress-longest = • Your longest stretch so far: { $n ->
        [one] 1 day
       *[other] { $n } days
    }.
progress-unsaid = • Days you preferred not to say: { $n }.
progress-unanswered = • Days without an answer about use: { $n }.
progress-neither = "Prefer not to say" counts as neither use nor use-free, and so does a day without an answer.
progress-none = No answers about use yet. After your next check-in, you'll see your use-free days here.
progress-milestones-are-on = I'll send a short note when you reach 1, 3, 7, 14, 30, 60, 90, 180 and 365 days.
progress-milestones-are-off = Milestone notes are off.
milestone = 🌱 { $days ->
        [one] 1 day
       *[other] { $days } days
    } since the last use you told me about. { $milestone ->
        [1] That first day is a real step.
        [3] The first days are often the hardest, and you got through them.
        [7] A whole week, each day of it yours.
        [14] Two weeks: a routine is taking shape.
        [30] A month of choices that were yours.
       *[other] Each of those days was yours.
    }
button-progress = See my use-free days
button-milestones-off = No milestone notes
button-milestones-on = Send milestone notes
milestones-off = Got it: no more milestone notes.
milestones-on = Milestone notes are on again.

## Notes (/notes)
command-notes = Re-read my notes
notes-title = Your notes, newest first ({ $from }–{ $to } of { $total }). Only you can see them.
notes-none = You haven't written any notes yet. At the end of a check-in you can add one; only you can see it.
button-note-delete = 🗑 { $n }
button-notes-newer = ◀ Newer
button-notes-older = Older ▶
note-delete-ask =
    Delete this note? This cannot be undone.

    { $when }
    { $note }
button-note-delete-yes = Yes, delete it
button-note-keep = Keep it
note-deleted = Note deleted.
note-gone = That note is no longer there.

## Export (/export)
command-export = Get a copy of my data
export-ask =
    I'll send you two files with everything I stored about you:
    • a spreadsheet (CSV) of your check-ins: dates, answers and notes;
    • a JSON file with all the rest: settings, check-in times, SOS sessions, safety plan, your contacts' names and what they receive, and the alerts sent about you and to whom.

    Telegram stores files like any message in this chat, on its servers, until you delete them. Anyone who can open your Telegram can open them. Send them now?
button-export-yes = Yes, send my files
button-export-first = 📦 Get my data first
export-not-now = Nothing was sent. /export any time.
export-csv-caption = Your check-ins (CSV, opens in any spreadsheet).
export-json-caption = Everything I stored about you (JSON).
export-failed = Your files could not be sent just now. Please try /export again in a few minutes.

## Dates

date-weekday = { $n ->
    [1] Monday
    [2] Tuesday
    [3] Wednesday
    [4] Thursday
    [5] Friday
    [6] Saturday
   *[7] Sunday
}
date-month = { $n ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
}
date-month-short = { $n ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
}
date-long = { $weekday } { $day } { $month }
date-short = { $day } { $month }

## Your chart (/history) and the weekly reflection
command-history = My chart: mood, urges, sleep
history-title = Your last { $days } days · { $from } – { $to }
history-mood = Mood (0–10)
history-craving = Strongest urge (0–10)
history-sleep = Hours slept
history-checkins = Check-ins done
history-used = Shaded: a day you said you used
history-none = No check-ins in the last { $days } days yet. After your next check-in, your chart appears here.
history-private = Only you can see this chart. A day without an answer is left blank, not counted as zero.
button-history-span = { $days } days
button-history-span-current = • { $days } days
button-history = 📈 See my chart
insight-sleep-craving = Your urges were lower on days after 7 hours of sleep or more: { $rested } on average, against { $short } after shorter nights.
insight-mood-steadier = Your mood has been steadier this week than the week before.
insight-mood-up = Your mood was higher this week than the week before: { $now } on average, up from { $before }.
insight-mood-down = Your mood was lower this week than the week before: { $now } on average, down from { $before }. Harder weeks happen; you kept checking in.
insight-craving-down = Your urges were lower this week than the week before: { $now } on average, down from { $before }.
insight-craving-up = Your urges were stronger this week than the week before: { $now } on average, up from { $before }. When one peaks, /sos walks you through it.
insight-days = You checked in on { $days } of the last { $of } days.
button-reflection-on = 📅 Weekly reflection for me: turn on
button-reflection-off = 📅 Turn off my weekly reflection
reflection-on = Your weekly reflection is on. It comes on Sundays at { $time } your time (after your quiet hours, if they cover it); the first one on { $date }. Only you see it.
reflection-off = The weekly reflection is off. You can turn it on again under /history.
reflection-title = 📅 Your week, { $from } – { $to }
reflection-none = You didn't check in this week. That's okay. Whenever you're ready, /checkin takes a minute.
reflection-checkins = You checked in { $checkins ->
        [one] once
       *[other] { $checkins } times
    }, on { $days ->
        [one] 1 day
       *[other] { $days } days
    } of the 7.
reflection-mood = Mood: { $now }/10 on average{ $trend ->
        [up] , up from { $before } the week before
        [down] , down from { $before } the week before
        [same] , about the same as the week before
       *[none] {""}
    }.
reflection-craving = Strongest urge: { $now }/10 on average{ $trend ->
        [up] , up from { $before } the week before
        [down] , down from { $before } the week before
        [same] , about the same as the week before
       *[none] {""}
    }.
reflection-sleep = Sleep: { $now } h a night on average{ $trend ->
        [up] , up from { $before } h the week before
        [down] , down from { $before } h the week before
        [same] , about the same as the week before
       *[none] {""}
    }.
reflection-best = Your best day: { $date } (mood { $mood }/10).
reflection-try = One thing to try next week: { $idea }
reflection-footer = Only you see this reflection. Your chart is under /history, where you can also turn these off.

## A check-in's week (/schedule)
date-weekday-short = { $n ->
    [1] Mon
    [2] Tue
    [3] Wed
    [4] Thu
    [5] Fri
    [6] Sat
   *[7] Sun
}
week-every-day = every day
week-weekdays = on weekdays
week-weekends = at weekends
week-days = on { $days }
week-part = { $time } { $days }
week-every-day-button = Every day
week-weekdays-button = Weekdays
week-weekends-button = Weekends
week-weekend-same = Same time at weekends
week-weekend-at = Weekends { $time }
week-no-day = Keep at least one day. To stop this check-in, tap Remove.
schedule-line-week = • { $name } { $when }: { $questions }
schedule-defaults-list = Your check-ins: { $list }. Change the times and days any time with /schedule.
