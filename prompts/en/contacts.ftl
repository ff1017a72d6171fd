# Support contacts, alerts, the crisis screen and the safety plan.
# Alerts go to people who may be worried: say what happened, what helps, and what to do in
# danger. Never quote the patient's answers or notes.

## /contact: the patient's support contacts

contact-about =
    A support contact is someone you trust: a sponsor, a friend, family, a counsellor. If warning signs build up in your check-ins, I send them a short alert so they can reach out. They never see your answers or your notes.
contact-none = You have no support contacts yet.
contact-list = Your support contacts:
contact-line =
    • { $contact }: { $weekly ->
        [yes] alerts and a weekly summary
       *[no] alerts only
    }{ $use ->
        [yes] , and told the day you report a use
       *[no] {""}
    }
contact-pending =
    { $count ->
        [one] One invitation is waiting for an answer (links work for 24 hours).
       *[other] { $count } invitations are waiting for an answer (links work for 24 hours).
    }
button-invite = ➕ Invite someone
button-link-end = End: { $contact }
button-link-weekly-on = { $contact }: add weekly summary
button-link-weekly-off = { $contact }: alerts only
button-link-use-on = { $contact }: tell them the day I report a use
button-link-use-off = { $contact }: a use only as a warning sign
invite-ask-name =
    What name should they see for you? Your first name or a nickname is fine (up to 40 characters). They'll see it in the invitation and in any alert.
invite-name-invalid = Please type a name of 1 to 40 characters, without links or slashes.
invite-ask-share =
    What should they receive about you, { $name }?

    • Alerts only: a short message when warning signs build up, or at once if you tell me you're not safe. It names the kinds of signs (like strong cravings, short sleep, missed check-ins or a reported use), never your answers or notes. They can also see when you last checked in and whether check-ins are paused.
    • Alerts and a weekly summary: also, once a week, how many check-ins you did and your average mood, sleep and craving. Never your notes, never whether you used.

    By choosing, you agree that I share this with the person who accepts. You can end it at any time with /contact.
button-share-alerts = Alerts only
button-share-weekly = Alerts and weekly summary
invite-link =
    Here's your invitation. Tap “Share invitation” and choose the person: they'll get a short note from you with the link. Or copy the link and send it yourself:

    { $link }

    The link works once, for 24 hours. I'll tell you when they answer.
# What the invited person receives with the link, in the patient's name.
invite-share-text = { $name } would like you as their support contact in a bot that helps with daily check-ins in recovery. Open the link to see what you'd receive; nothing is set up unless you accept.
button-share-invite = 📤 Share invitation
button-use-name = Use “{ $name }”
invite-ask-name-again =
    What name should they see for you? Tap to use the same as last time, or type another (up to 40 characters).
invite-ask-use =
    One more choice. If you tell me in a check-in that you used, should I tell them that day?

    • Yes: they get a short message asking them to reach out, without blame and without your answers.
    • No: a use counts as one warning sign, and they hear about it only if signs build up.

    Either way, telling me is safe, and you can change this any time in /contact.
button-use-tell = Yes, tell them that day
button-use-sign = No, only with other signs
invite-link-unavailable = Sorry, I couldn't make the link just now. Please try /contact again in a minute.
invite-accepted-patient =
    { $contact } accepted your invitation. From now on they'll get { $weekly ->
        [yes] alerts and a weekly summary
       *[no] alerts
    } as you chose. You can end this at any time with /contact.
contact-unnamed = your contact
invite-declined-patient = The person you invited said no, and that's OK. You can invite someone else with /contact.
link-ended-patient = Done: { $contact } won't get alerts about you anymore. I've let them know.
link-ended-by-contact = { $contact } has stopped being your support contact. You can invite someone else with /contact.
link-use-changed =
    { $use ->
        [yes] From now on, { $contact } will be told the day you report a use.
       *[no] From now on, a use you report is only one warning sign for { $contact }: they hear of it only if signs build up.
    } I've let them know.
link-weekly-changed =
    { $contact } will now get { $weekly ->
        [yes] alerts and a weekly summary
       *[no] alerts only
    }. I've let them know.

## The person invited

invite-show =
    { $name } has invited you to be their support contact, in a bot that helps people through early recovery.

    What you'd receive:
    { $receive }
    • Never their detailed answers or their notes.

    What I'd store about you: your Telegram id, your first name (shown to { $name }) and your language, nothing else. You can stop at any time with /stop.

    Do you accept?
invite-receive-alerts = • An alert if warning signs build up in their check-ins (like strong cravings, low mood, poor sleep, missed check-ins or a reported use), or at once if they tell me they're not safe, with what helps.
    • With /patients: when they last checked in, and whether check-ins are paused.
invite-receive-use = • If they tell me in a check-in that they used: a short message that day, so you can reach out. They chose this.
invite-receive-weekly = • Once a week, a short summary: how many check-ins they did and their average mood, sleep and craving.
button-accept = ✅ Accept
button-decline = No, thanks
invite-invalid =
    Sorry, this invitation link doesn't work. It may have been used already, expired (links last 24 hours) or been copied incompletely. Please ask the person who sent it for a new one.
invite-too-many = Too many invitation links that didn't work. Please wait an hour, then try again.
invite-own = This is your own invitation link. Forward it to the person you'd like as your support contact.
invite-already = You're already a support contact for { $name }.
invite-accepted-contact =
    Thank you. You're now a support contact for { $name }.

    When an alert comes: reach out that day, with a call or a message. Listen more than you talk, no lectures. If you think they may be in danger, call { $emergency_number }.

    /patients shows the people you support. /stop ends this at any time.
invite-declined-contact = OK. Nothing was set up and nothing about you is stored. I'll let them know.
link-ended-for-contact = { $name } has ended sharing with you, so you won't get alerts about them anymore. Thank you for being there.
link-ended-contact = Done: you won't get alerts about { $name } anymore. I've let them know.
link-use-for-contact =
    { $name } changed what you receive: { $use ->
        [yes] you'll now get a short message the day they tell me they used, so you can reach out.
       *[no] a use they report is now one warning sign among others, no longer a message of its own.
    }
link-weekly-for-contact =
    { $name } changed what you receive: { $weekly ->
        [yes] alerts and a weekly summary
       *[no] alerts only, no weekly summary
    }.
stop-choose = Whom do you want to stop supporting?
stop-none = You're not a support contact for anyone right now.
button-stop-link = Stop: { $name }
patients-none = You're not a support contact for anyone right now. When someone sends you an invitation link, open it to accept.
patients-list = The people you support:
patients-line = • { $name }: last check-in { $last }. { $status }
patients-never = none yet
status-ok = Checking in.
status-paused = Has paused check-ins.
status-alert = Warning signs: I sent you an alert { $ago }.
status-inactive = Not reachable: they may have blocked me.
ago-minutes =
    { $n ->
        [one] 1 minute ago
       *[other] { $n } minutes ago
    }
ago-hours =
    { $n ->
        [one] 1 hour ago
       *[other] { $n } hours ago
    }
ago-days =
    { $n ->
        [one] yesterday
       *[other] { $n } days ago
    }
contact-help =
    You're a support contact: when warning signs build up for someone you support, I send you an alert with what helps.
    /patients - the people you support and how they're doing
    /stop - stop being a support contact
    /crisis - crisis line and emergency number

## Alerts to contacts

alert-contact =
    ⚠️ { $name }: warning signs have been building up in their check-ins { $over }: { $signals }.

    What helps: reach out today, with a call or a message. Ask how they're doing and listen. No lecture, no blame. If you think they may be in danger, call { $emergency_number }.

    I'm a bot: I only see their check-ins, and I never share their notes.
alert-escalation =
    ⚠️ { $name }: the warning signs I told you about are still there ({ $signals }), and nobody has told me they reached out yet.

    If you can, reach out today, even a short message. If you can't, maybe ask someone else close to them. If you think they may be in danger, call { $emergency_number }.
alert-use =
    { $name } told me in a check-in that they used. A lapse is common in recovery, and it isn't the end of it: what helps most now is support without blame.

    Reach out today, with a call or a message. Ask how they are and listen; no lecture. If they used a lot, or have chest pain, trouble breathing or seem confused, call { $emergency_number }.

    They chose, when they invited you, to have you told about this.
alert-request =
    💬 { $name } asked me to let you know that they'd like you to reach out to them.

    A call or a short message today is enough. You don't need to mention this bot or ask about their check-ins. If you think they may be in danger, call { $emergency_number }.
alert-crisis =
    🆘 { $name } just told me they may not be safe right now.

    Please reach out to them now: call if you can. If you think they are in immediate danger, call { $emergency_number }. They can { $crisis_action }, and I've shown them how.
button-reached = ✅ I reached out
button-cant = Can't right now
alert-thanks-reached = Thank you. I've let { $name } know you reached out.
alert-thanks-cant = Thanks for telling me. If you can, ask someone else close to them to check in. If you think they may be in danger, call { $emergency_number }.
alert-answered = You've already answered this alert.
# A sign and how often it was seen ($count), for "over the last 2 days: strong cravings at 2
# check-ins, short sleep 2 nights".
signal-craving-high = { $count ->
    [one] a strong craving at one check-in
   *[other] strong cravings at { $count } check-ins
}
signal-craving-rising = { $count ->
   *[other] cravings rising from one check-in to the next
}
signal-craving-above-usual = { $count ->
    [one] a craving well above their usual
   *[other] cravings well above their usual, { $count } times
}
signal-sos-urge-high = { $count ->
    [one] a craving that stayed strong even after the bot's SOS steps
   *[other] cravings that stayed strong even after the bot's SOS steps ({ $count } times)
}
signal-mood-low = { $count ->
    [one] low mood at one check-in
   *[other] low mood at { $count } check-ins
}
signal-sleep-short = { $count ->
    [one] short sleep one night
   *[other] short sleep { $count } nights
}
signal-sleep-long = { $count ->
    [one] very long sleep one night
   *[other] very long sleep { $count } nights
}
signal-sleep-poor = { $count ->
    [one] poor sleep one night
   *[other] poor sleep { $count } nights
}
signal-use = { $count ->
    [one] a reported use
   *[other] { $count } reported uses
}
signal-missed = { $count ->
    [one] no answer when I checked on them after missed check-ins
   *[other] no answer, { $count } times, when I checked on them after missed check-ins
}
signal-not-great = { $count ->
    [one] "not great" when I asked if they were OK
   *[other] "not great", { $count } times, when I asked if they were OK
}
signal-crisis-screen = { $count ->
   *[other] crisis questions answered yes
}
# The same signs as the patient reads them about themselves.
signal-you-craving-high = { $count ->
    [one] a strong craving at one check-in
   *[other] strong cravings at { $count } check-ins
}
signal-you-craving-rising = { $count ->
   *[other] cravings rising from one check-in to the next
}
signal-you-craving-above-usual = { $count ->
    [one] a craving well above your usual
   *[other] cravings well above your usual, { $count } times
}
signal-you-sos-urge-high = { $count ->
    [one] a craving that stayed strong even after the SOS steps
   *[other] cravings that stayed strong even after the SOS steps ({ $count } times)
}
signal-you-mood-low = { $count ->
    [one] low mood at one check-in
   *[other] low mood at { $count } check-ins
}
signal-you-sleep-short = { $count ->
    [one] short sleep one night
   *[other] short sleep { $count } nights
}
signal-you-sleep-long = { $count ->
    [one] very long sleep one night
   *[other] very long sleep { $count } nights
}
signal-you-sleep-poor = { $count ->
    [one] poor sleep one night
   *[other] poor sleep { $count } nights
}
signal-you-use = { $count ->
    [one] a use you told me about
   *[other] { $count } uses you told me about
}
signal-you-missed = { $count ->
    [one] no answer when I checked on you after missed check-ins
   *[other] no answer, { $count } times, when I checked on you after missed check-ins
}
signal-you-not-great = { $count ->
    [one] "not great" when I asked how you were
   *[other] "not great", { $count } times, when I asked how you were
}
signal-you-crisis-screen = { $count ->
   *[other] your answers to the crisis questions
}
# "over the last 2 days"
signal-days = { $days ->
    [one] over the last day
   *[other] over the last { $days } days
}

## What the patient is told

alert-patient-told =
    I noticed warning signs building up { $over } ({ $signals }), so I've let { $contacts } know, as you agreed when you invited them. They may reach out today. You don't have to explain anything.
alert-patient-use-told = As you chose when you invited { $count ->
    [one] them
   *[other] them each
}, I've let { $contacts } know, so they can reach out. You don't have to explain anything.
use-told-unreachable = I couldn't tell { $contacts } as you chose: my messages don't reach them right now. If you'd like support now, please { $crisis_action }, or reach out to someone you trust.
button-ask-reach-out = { $count ->
    [one] 💬 Ask { $contacts } to reach out
   *[other] 💬 Ask { $contacts } to reach out
}
reach-out-sent = I'm asking { $contacts } to reach out to you. 💙 { $count ->
    [one] They'll see
   *[other] They'll each see
} a short message from me, without your answers. I'll tell you when it has reached them.
reach-out-already = I've already asked { $contacts } to reach out. { $count ->
    [one] They'll see it.
   *[other] They'll each see it.
}
reach-out-none = There's no support contact I can message for you right now. You can invite someone with /contact.
alert-patient-crisis = Because of your answers, I'm letting { $contacts } know right now that you may not be safe, so they can reach out. That's what you agreed to when you invited them.
alert-delivered = ✓ { $contacts } { $count ->
    [one] has
   *[other] have
} my message now.
alert-undelivered = I'm sorry: I tried to let { $contacts } know, but my message didn't get through, so { $count ->
    [one] they haven't been told
   *[other] none of them has been told
}. If you'd like support now, please { $crisis_action }, or reach out to someone you trust.
alert-no-contacts =
    I noticed warning signs building up ({ $signals }). { $why ->
        [none] You don't have a support contact to alert yet.
       *[unreachable] I couldn't reach your support contact.
    }

    You don't have to get through this alone. Please { $crisis_action }. Right now, /sos helps with a craving, and a check-in helps me help you. You can add a support contact with /contact.
alert-acknowledged = { $contact } says they've reached out to you. 💙
contact-unreachable =
    I couldn't reach { $contact }: they may have blocked me. They won't get alerts until they open the chat with me again. You can invite someone else with /contact. If you need help now, { $crisis_action }.

## "Are you OK?" after missed check-ins

ok-check = Hi. I haven't heard from you for a couple of check-ins, so I wanted to ask: are you OK? No need to explain; a tap is enough.
button-ok-fine = I'm OK
button-ok-not-great = Not great
ok-fine = Thanks for letting me know. 💙 Check in whenever you're ready.
ok-not-great = Thank you for telling me. What would help right now?

## The crisis screen (C-SSRS screener)

button-not-safe = 🛑 I'm not safe
# One sentence before the first question, when the screen follows a mood of 0 or an urge of 10.
screen-bridge-mood = You rated your mood 0, the lowest there is. I'm sorry it's this hard right now. Before anything else, I want to check that you're safe.
screen-bridge-sos = An urge of 10 is a lot to carry, and cravings this strong can come with very dark thoughts. Before we go on, I want to check that you're safe.
# After a yes to intent, a plan, or having prepared: direct words first.
screen-urgent =
    Thank you for telling me. This is serious, and you deserve help right now.
    Please { $crisis_action } now, while we talk. If you might act on these thoughts, call { $emergency_number }.
    Are you somewhere safe for the next hour? If you can, move away from anything you could use to hurt yourself.
    Is someone with you? If not, ask someone to come, or go to where people are.
screen-intro =
    I'm a bot, not a person, and I want to make sure you get the right help. A few yes or no questions about the time since we last talked. You can stop at any time: the crisis line is in the buttons below.
screen-q1 = Have you wished you were dead, or wished you could go to sleep and not wake up?
screen-q2 = Have you had any actual thoughts of killing yourself?
screen-q3 = Have you been thinking about how you might do this?
screen-q4 = Have you had these thoughts and had some intention of acting on them?
screen-q5 = Have you started to work out, or worked out, the details of how to kill yourself? Do you intend to carry out this plan?
screen-q6 = Have you done anything, started to do anything, or prepared to do anything to end your life?
button-yes = Yes
button-no = No
screen-help =
    Thank you for telling me. That took courage, and you don't have to carry this alone.

    Please { $crisis_action } now. If you are in immediate danger, call { $emergency_number }.

    A safety plan helps in moments like this: your warning signs, what calms you, who to call, and how to make your space safer. { $has_plan ->
        [yes] Tap below to see yours.
       *[no] Tap below to write one. It takes a few minutes.
    }
screen-all-no =
    Thank you for answering. I'm glad you're safe right now. If that changes, the crisis buttons are always here, whatever you answered before. For a craving, try /sos.
screen-stale = That question is already answered.

## Safety plan

plan-none =
    You don't have a safety plan yet. It's a short plan you write for hard moments: your warning signs, what calms you, who you can reach, the services you can call, how to make your space safer, and your reasons for living. It's only for you; I never share it.
plan-show =
    Your safety plan (only you can see it):

    1. My warning signs: { $signs }
    2. What I can do on my own: { $coping }
    3. People I can reach: { $people }
    4. Professionals and services I can contact: { $professionals }
    5. Making my space safer: { $safe }
    6. My reasons for living: { $reasons }
    Crisis line: { $crisis_action }. In immediate danger: { $emergency_number }.
plan-empty-part = (not written yet)
button-plan-write = ✍️ Write my safety plan
button-plan-rewrite = ✍️ Rewrite it
button-plan-show = 📋 My safety plan
button-plan-skip = Skip
plan-ask-warning_signs = 1 of 6. What are your warning signs that a crisis may be coming? Thoughts, feelings, situations. Type a few words, or tap Skip.
plan-ask-coping = 2 of 6. What can you do on your own to take your mind off things or calm down? A walk, music, a shower…
plan-ask-people = 3 of 6. Whom can you reach out to? Names and numbers of people you trust, or places with people around.
plan-ask-professionals = 4 of 6. Which professionals or services can you contact? A counselor, a doctor, a clinic, a support group. The crisis line is already in your plan: { $crisis_summary }
plan-ask-safe_place = 5 of 6. How can you make your space safer? For example, asking someone to keep things you could hurt yourself with.
plan-ask-reasons = 6 of 6. What are your reasons for living? People, pets, hopes, things you still want to do. Even one is enough.
plan-too-long = That's a bit long: please keep each part under { $max } characters.
plan-saved = Your safety plan is saved. See it any time with /safetyplan.

## Weekly summary (only if the patient chose it)

weekly-summary =
    Weekly summary for { $name }, last 7 days:
    • Check-ins: { $checkins }
    • Average mood: { $mood }
    • Average sleep: { $sleep }
    • Average strongest craving: { $craving }

    No notes and nothing about use are included. A kind message now and then helps more than questions about the numbers.
weekly-none = no answers

## Command menu

command-contact = My support contacts
command-safetyplan = My safety plan
command-patients = People I support
command-stop = Stop being a support contact

## Inside the crisis screen, when no support contact could be told
alert-no-contacts-crisis = { $why ->
        [unreachable] I couldn't reach your support contacts right now, so no one has been told.
       *[none] You have no support contact yet, so no one has been told.
    } If you can, call or message someone you trust now. Later, /contact lets you invite someone.
screen-use-buttons = Please answer the question above with Yes or No. If you need help now, the crisis line is one tap away there.

## Where the patient is (under every alert)

alert-where = { $name } is in { $country }: emergency { $emergency_number }, crisis line { $crisis_number } ({ $crisis_line }).
alert-where-unknown = Emergency number where { $name } lives: { $emergency_number }; crisis line { $crisis_number } ({ $crisis_line }). If they are in another country, call that country's emergency number.

## Lists of names ("Sam and Carlos")
list-and = { $rest } and { $last }
