//! Alerts: the risk engine's decision turned into messages to every active support contact
//! (through the outbox, at alert priority), what the patient is told, the contacts' answers,
//! and what happens when a contact cannot be reached.
//!
//! Evaluation runs inside the transaction that stored the new answer (or, for escalations and
//! unanswered "are you OK?" checks, the scheduler's), and reads the last alert in it: two
//! evaluations cannot both alert, and a crash cannot record an alert without its messages.

use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::render::Render;
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::ctx::To;
use crate::ctx::ALERT_PRIORITY;
use crate::domain::callback::{Callback, ReachFrom};
use crate::domain::outbox_key::Key;
use crate::domain::risk::{self, Decision, Found, Signal};
use crate::store::contacts::{self, Link};
use crate::store::patients;
use crate::store::{alerts, Tx};
use anyhow::Result;

/// Evaluates the alert rule for a patient now, and alerts if it says so.
pub async fn evaluate(ctx: &Ctx, tx: &mut Tx, patient_id: i64) -> Result<Decision> {
    let rules = &ctx.rules;
    let now = ctx.now();
    // Earlier check-ins too: the patient's usual is their median over the `baseline_days`
    // before the window, and a rise in craving is judged over consecutive check-ins.
    let since = now - rules.window - rules.baseline_days * 86_400;
    let history = alerts::history(tx, patient_id, since, now).await?;
    let found = risk::signals(&history, rules, now);
    let last = alerts::last_cluster_alert(tx, patient_id).await?;
    let decision = risk::decide(found.clone(), last, rules, now);
    // A reported use in the check-in just stored tells, on its own, the contacts the patient
    // chose for that when inviting them (once per check-in), unless the cluster alert going
    // out now tells them already.
    if !decision.alerts() {
        let recent_use = found
            .iter()
            .find(|f| f.signal == Signal::ReportedUse && now - f.at < 6 * 3600);
        // A use told in a missed day filled in afterwards is about the past: it counts with
        // the other signs, but does not alert on its own.
        let recent_use = match recent_use {
            Some(f) if !alerts::use_filled_in_late(tx, patient_id, f.at).await? => Some(f),
            _ => None,
        };
        if let Some(use_found) = recent_use {
            let origin = format!("use:{}", use_found.at);
            fire(
                ctx,
                tx,
                patient_id,
                Fire::Use(&origin),
                std::slice::from_ref(use_found),
            )
            .await?;
        }
    }
    match &decision {
        Decision::Alert(found) => {
            fire(ctx, tx, patient_id, Fire::Cluster, found).await?;
        }
        Decision::Escalate(found) => {
            fire(ctx, tx, patient_id, Fire::Escalation, found).await?;
        }
        Decision::Quiet | Decision::CoolingDown => {}
    }
    Ok(decision)
}

/// The crisis screen said so: every contact, now, whatever the cooldown. Returns the alert
/// and what to tell the patient: the screen shows it in its own message, so the notice does not
/// split the questions.
pub async fn fire_crisis(ctx: &Ctx, tx: &mut Tx, patient_id: i64) -> Result<Option<(i64, String)>> {
    let found = [Found::once(Signal::CrisisScreen, ctx.now())];
    fire(ctx, tx, patient_id, Fire::Crisis, &found).await
}

/// Why an alert goes out, which decides who gets it and what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fire<'a> {
    /// The cluster rule.
    Cluster,
    /// The cluster persisted past the cooldown, unacknowledged.
    Escalation,
    /// Crisis-screen answers.
    Crisis,
    /// A reported use, to the contacts chosen for it; `origin` makes it once per check-in.
    Use(&'a str),
    /// The patient tapped "Ask <contact> to reach out"; once per `origin`.
    Request(&'a str),
}

impl<'a> Fire<'a> {
    fn kind(self) -> &'static str {
        match self {
            Fire::Cluster => "alert",
            Fire::Escalation => "escalation",
            Fire::Crisis => "crisis",
            Fire::Use(_) => "use",
            Fire::Request(_) => "request",
        }
    }

    /// What makes it once only (a use per check-in, a request per tap's source).
    fn origin(self) -> Option<&'a str> {
        match self {
            Fire::Use(o) | Fire::Request(o) => Some(o),
            _ => None,
        }
    }
}

/// The signs as words for a contact, with how often each was seen: "strong cravings at 2
/// check-ins, short sleep 2 nights and low mood at 3 check-ins".
pub fn signal_words(ctx: &Ctx, lang: &str, found: &[Found]) -> String {
    words(ctx, lang, found, "signal")
}

/// The same, addressed to the patient ("no answer when I checked on you").
pub fn signal_words_for_patient(ctx: &Ctx, lang: &str, found: &[Found]) -> String {
    words(ctx, lang, found, "signal-you")
}

fn words(ctx: &Ctx, lang: &str, found: &[Found], prefix: &str) -> String {
    ctx.join_list(
        lang,
        found
            .iter()
            .map(|f| {
                ctx.t_with(
                    lang,
                    &format!("{prefix}-{}", f.signal.code()),
                    &[("count", (f.count as i64).into())],
                )
            })
            .collect(),
    )
}

/// "over the last 2 days": from the first sign seen to now.
pub fn over_days(ctx: &Ctx, lang: &str, found: &[Found], now: i64) -> String {
    ctx.t_with(
        lang,
        "signal-days",
        &[("days", risk::days_spanned(found, now).into())],
    )
}

/// "Sam and Carlos", "Sam y Carlos": the contacts' names joined as the language joins them.
fn names(ctx: &Ctx, lang: &str, links: &[&Link]) -> String {
    ctx.join_list(lang, links.iter().map(|l| l.contact_name.clone()).collect())
}

/// The answers, and the crisis line of the *patient's* country, one tap away.
fn alert_keyboard(
    ctx: &Ctx,
    lang: &str,
    alert_id: i64,
    link_id: i64,
    patient_country: Option<&str>,
) -> Keyboard {
    let answer = |reached| {
        Callback::AlertAnswer {
            alert_id,
            link_id,
            reached,
        }
        .encode()
    };
    Keyboard::new(
        [vec![
            Button::callback(ctx.t(lang, "button-reached"), answer(true)),
            Button::callback(ctx.t(lang, "button-cant"), answer(false)),
        ]]
        .into_iter()
        .chain(ctx.crisis_link(lang, patient_country).inline_keyboard)
        .collect::<Vec<_>>(),
    )
}

/// Records the alert and queues it to every reachable contact, and the patient's notice.
/// Returns the alert and the notice; `None` when there was no one to send it to for a use
/// alert, or the same use or request was already sent (once per origin).
async fn fire(
    ctx: &Ctx,
    tx: &mut Tx,
    patient_id: i64,
    why: Fire<'_>,
    found: &[Found],
) -> Result<Option<(i64, String)>> {
    let Some(patient) = patients::find_by_id(tx, patient_id).await? else {
        return Ok(None);
    };
    let links = contacts::links_of_patient(tx.conn(), patient_id).await?;
    let reachable: Vec<&Link> = links
        .iter()
        .filter(|l| l.contact_active && (!matches!(why, Fire::Use(_)) || l.use_alerts))
        .collect();
    if matches!(why, Fire::Use(_)) && reachable.is_empty() {
        let chosen: Vec<&Link> = links.iter().filter(|l| l.use_alerts).collect();
        if chosen.is_empty() {
            // Nobody chose to be told of a use: it stays one sign among others.
            return Ok(None);
        }
        // Chosen, but out of reach (they blocked the bot): the patient is told, once per use.
        let lang = &patient.language;
        let country = patient.country.as_deref();
        let text = ctx.t_with(
            lang,
            "use-told-unreachable",
            &[
                ("contacts", names(ctx, lang, &chosen).into()),
                ("crisis_action", ctx.crisis_action(lang, country).into()),
            ],
        );
        let mut rows = ctx.crisis_link(lang, country).inline_keyboard;
        rows.extend(ctx.sos_crisis_rows(lang));
        ctx.queue(
            tx,
            To::patient(&patient),
            &Key::NobodyReached(why.origin().map(str::to_string)),
            &text,
            Some(&Keyboard::new(rows)),
            crate::ctx::REPLY_PRIORITY,
        )
        .await?;
        return Ok(None);
    }
    let now = ctx.now();
    let Some(alert_id) = alerts::insert(
        tx,
        patient_id,
        why.kind(),
        found,
        reachable.len(),
        why.origin(),
        now,
    )
    .await?
    else {
        return Ok(None);
    };
    let country = patient.country.as_deref();
    let signs = crate::ctx::render::Seen::of(found);
    for link in &reachable {
        let render = Render::Alert {
            kind: why.kind().to_string(),
            alert_id,
            link_id: link.id,
            name: link.patient_name.clone(),
            country: patient.country.clone(),
            signs: signs.clone(),
            at: now,
        };
        ctx.queue_rendered(
            tx,
            To {
                alert_id: Some(alert_id),
                ..To::contact_of(link)
            },
            &Key::LinkAlert {
                link: link.id,
                alert: alert_id,
            },
            &render,
            &link.contact_language,
            ALERT_PRIORITY,
            now,
        )
        .await?;
    }
    let lang = &patient.language;
    let why_none = if links.is_empty() {
        "none"
    } else {
        "unreachable"
    };
    let contacts = names(ctx, lang, &reachable);
    let count = reachable.len() as i64;
    let (text, keyboard) = match why {
        // Inside the crisis screen: no one could be told, plainly, and how to add someone.
        Fire::Crisis if reachable.is_empty() => (
            ctx.t_with(
                lang,
                "alert-no-contacts-crisis",
                &[("why", why_none.into())],
            ),
            ctx.crisis_link(lang, country),
        ),
        Fire::Request(_) if reachable.is_empty() => (
            ctx.t(lang, "reach-out-none"),
            ctx.crisis_link(lang, country),
        ),
        _ if reachable.is_empty() => {
            let text = ctx.t_with(
                lang,
                "alert-no-contacts",
                &[
                    ("signals", signal_words_for_patient(ctx, lang, found).into()),
                    ("why", why_none.into()),
                    ("crisis_action", ctx.crisis_action(lang, country).into()),
                ],
            );
            let mut rows = ctx.crisis_link(lang, country).inline_keyboard;
            rows.extend(ctx.sos_crisis_rows(lang));
            (text, Keyboard::new(rows))
        }
        Fire::Crisis => (
            ctx.t_with(
                lang,
                "alert-patient-crisis",
                &[("contacts", contacts.into())],
            ),
            ctx.crisis_link(lang, country),
        ),
        Fire::Use(_) => (
            ctx.t_with(
                lang,
                "alert-patient-use-told",
                &[("contacts", contacts.into()), ("count", count.into())],
            ),
            Keyboard::new(ctx.sos_crisis_rows(lang)),
        ),
        Fire::Request(_) => (
            ctx.t_with(
                lang,
                "reach-out-sent",
                &[("contacts", contacts.into()), ("count", count.into())],
            ),
            Keyboard::new(ctx.sos_crisis_rows(lang)),
        ),
        Fire::Cluster | Fire::Escalation => (
            ctx.t_with(
                lang,
                "alert-patient-told",
                &[
                    ("over", over_days(ctx, lang, found, now).into()),
                    ("signals", signal_words_for_patient(ctx, lang, found).into()),
                    ("contacts", contacts.into()),
                ],
            ),
            Keyboard::new(ctx.sos_crisis_rows(lang)),
        ),
    };
    // After the check-in's own replies (queued earlier in this transaction, same priority).
    // A crisis screen shows its notice itself, in the screen's own message; the queued copy waits
    // a little and is withdrawn once that message is on screen, so a failed edit or a crash
    // still tells the patient. A request's notice is the reply to the tap, shown by the caller.
    // "I've let Sam know" is said once it is true: that notice is held until the alert has
    // reached a contact (`settle_notices`). A crisis or a request is answered at once, in the
    // present tense ("I'm letting Sam know"); after a request "Sam has my message" is held
    // instead (not during a crisis screen, whose questions no message may split; if the alert
    // cannot reach Sam the patient is told that).
    let delivered = !reachable.is_empty();
    let not_before = match why {
        Fire::Crisis => now + CRISIS_NOTICE_GRACE_SECS,
        _ if delivered => HELD_UNTIL,
        _ => now,
    };
    if !matches!(why, Fire::Request(_)) {
        ctx.queue_at(
            tx,
            To::patient(&patient),
            &notice_key(alert_id),
            &text,
            Some(&keyboard),
            crate::ctx::REPLY_PRIORITY,
            not_before,
        )
        .await?;
    }
    if delivered && matches!(why, Fire::Request(_)) {
        let confirmation = ctx.t_with(
            lang,
            "alert-delivered",
            &[
                ("contacts", names(ctx, lang, &reachable).into()),
                ("count", count.into()),
            ],
        );
        ctx.queue_at(
            tx,
            To::patient(&patient),
            &delivered_key(alert_id),
            &confirmation,
            Some(&Keyboard::new(ctx.sos_crisis_rows(lang))),
            crate::ctx::REPLY_PRIORITY,
            HELD_UNTIL,
        )
        .await?;
    }
    // Which signals is health data about the patient: kept in the database, not the log.
    // Not the kind: "crisis" would say what the patient answered.
    tracing::info!(alert_id, contacts = reachable.len(), "alert queued");
    Ok(Some((alert_id, text)))
}

/// What one contact is sent for an alert, in `lang`: the text for its kind, where the patient
/// is, and the answers with the patient's crisis line.
#[allow(clippy::too_many_arguments)]
pub fn contact_alert(
    ctx: &Ctx,
    lang: &str,
    kind: &str,
    alert_id: i64,
    link_id: i64,
    name: &str,
    country: Option<&str>,
    found: &[Found],
    at: i64,
) -> (String, Keyboard) {
    let emergency = ("emergency_number", ctx.emergency(country).into());
    let name_arg = ("name", name.to_string().into());
    let text = match kind {
        "crisis" => ctx.t_with(
            lang,
            "alert-crisis",
            &[
                name_arg,
                emergency,
                ("crisis_action", ctx.crisis_action(lang, country).into()),
            ],
        ),
        "escalation" => ctx.t_with(
            lang,
            "alert-escalation",
            &[
                name_arg,
                ("signals", signal_words(ctx, lang, found).into()),
                emergency,
            ],
        ),
        "use" => ctx.t_with(lang, "alert-use", &[name_arg, emergency]),
        "request" => ctx.t_with(lang, "alert-request", &[name_arg, emergency]),
        _ => ctx.t_with(
            lang,
            "alert-contact",
            &[
                name_arg,
                ("over", over_days(ctx, lang, found, at).into()),
                ("signals", signal_words(ctx, lang, found).into()),
                emergency,
            ],
        ),
    };
    (
        format!("{text}\n\n{}", where_patient_is(ctx, lang, name, country)),
        alert_keyboard(ctx, lang, alert_id, link_id, country),
    )
}

/// For a contact: "Ana is in Spain: emergency 112, crisis line 024 (Línea 024)", so they know
/// whom to call for someone who may be far away.
pub fn where_patient_is(ctx: &Ctx, lang: &str, name: &str, country: Option<&str>) -> String {
    let line = ctx.line(country);
    let args = |with_country: Option<&str>| {
        let mut a: Vec<(&str, fluent_bundle::FluentValue)> = vec![
            ("name", name.to_string().into()),
            ("emergency_number", line.emergency_number.clone().into()),
            ("crisis_number", line.number.clone().into()),
            ("crisis_line", line.name.clone().into()),
        ];
        if let Some(c) = with_country {
            a.push(("country", ctx.country_name(c, lang).into()));
        }
        a
    };
    match ctx.listed(country) {
        Some(c) => ctx.t_with(lang, "alert-where", &args(Some(c))),
        None => ctx.t_with(lang, "alert-where-unknown", &args(None)),
    }
}

mod answers;
mod notices;
mod reach_out;

pub use answers::*;
pub use notices::*;
pub use reach_out::*;

use notices::{delivered_key, CRISIS_NOTICE_GRACE_SECS, HELD_UNTIL};
