//! Calibration of the alert rule on simulated patients. Prints numbers; asserts nothing.
//!
//!     cargo run --release --example calibrate [patients-per-group] [seed]
//!
//! Simulated patient-months are built from the patterns in `../shared/domain.md` (see
//! BENCHMARKS.md for the parameters and where they come from); the real risk engine
//! (`domain::risk`) with the real rules (`prompts/alert-rules.toml`) runs over them at the moments
//! the bot runs it: after each check-in, when an "are you OK?" goes unanswered or is answered, after
//! an SOS, and when a cooldown ends.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use recovery_checkin_bot::domain::risk::{self, Answers, Decision, History, LastAlert, Rules, Sos};
use std::collections::BTreeMap;
use std::path::Path;

const H: i64 = 3600;
const DAY: i64 = 24 * H;

/// What a simulated patient did.
#[derive(Debug, Clone)]
enum Ev {
    Checkin(Answers),
    /// "Are you OK?" sent after missed check-ins, and the answer (None: unanswered).
    OkCheck {
        sent: i64,
        answer: Option<(i64, OkAnswer)>,
    },
    /// An SOS and the urge at its start and at each follow-up.
    Sos {
        at: i64,
        urges: Vec<u8>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OkAnswer {
    Fine,
    NotGreat,
}

impl Ev {
    fn at(&self) -> i64 {
        match self {
            Ev::Checkin(a) => a.at,
            Ev::OkCheck { sent, .. } => *sent,
            Ev::Sos { at, .. } => *at,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    /// Stable early abstinence with crash symptoms: bad nights and low mood on some days, a
    /// strong craving now and then, a quarter of prompts unanswered.
    Crash,
    /// As `Crash`, plus /sos about twice a week, ridden out (the urge falls at the follow-ups).
    HelpSeeking,
    /// Stable, then 2–4 days of build-up (craving rising, mood falling, sleep worsening,
    /// check-ins missed) at its worst the day before the lapse.
    BuildUp,
    /// The same, but rising more slowly: at its worst only on the day of the lapse (so the
    /// worst answers come too late to alert 12 h ahead). Shows how the rule does when a
    /// build-up is faint.
    BuildUpLate,
    /// Stable, then silent: prompts and "are you OK?" unanswered.
    Disengaged,
}

struct Patient {
    events: Vec<Ev>,
    /// When the simulated lapse happens (build-ups), and when the build-up started.
    lapse: Option<(i64, i64)>,
    days: i64,
}

fn clamp(v: f64, lo: f64, hi: f64) -> f64 {
    v.max(lo).min(hi)
}

fn normal(rng: &mut StdRng) -> f64 {
    // Box–Muller.
    let u1: f64 = rng.random_range(1e-9..1.0);
    let u2: f64 = rng.random_range(0.0..1.0);
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn score(v: f64) -> u8 {
    clamp(v.round(), 0.0, 10.0) as u8
}

/// One simulated patient. Day 0 is the first day of check-ins (early abstinence); prompts at
/// 08:30 (sleep hours, sleep quality, mood) and 20:30 (mood, craving, use), the defaults.
fn simulate(group: Group, rng: &mut StdRng) -> Patient {
    let t0 = 100 * DAY;
    let days = 30;
    // The person's usual: domain.md gives no distribution, so wide ranges.
    let mood0 = rng.random_range(4.0..7.5);
    let craving0 = rng.random_range(0.5..4.0);
    let sleep0 = rng.random_range(6.0..8.0);
    let quality0 = rng.random_range(4.5..7.5);
    // Expect ~75% of prompts answered (Jones 2019).
    let answer_rate = rng.random_range(0.65..0.9);
    let (buildup_start, lapse_day, silent_from) = match group {
        Group::BuildUp | Group::BuildUpLate => {
            let lapse_day = rng.random_range(14..28);
            let length = rng.random_range(2..=4);
            (Some(lapse_day - length), Some(lapse_day), None)
        }
        Group::Disengaged => (None, None, Some(rng.random_range(12..20))),
        _ => (None, None, None),
    };
    let mut events = Vec::new();
    let mut missed_run = 0;
    let mut lapse = None;
    for day in 0..days {
        // The crash: bad nights and low mood, most often in the first days, fading over weeks.
        let crash_p = 0.45 * (-(day as f64) / 14.0).exp() + 0.15;
        let crash = rng.random_bool(crash_p);
        // 0 → 1 across the build-up days. `BuildUp`: over a 2-day build-up 1/2, 1, and 1 on
        // the day of the lapse; `BuildUpLate`: 1/3, 2/3, then 1.
        let build = match (buildup_start, lapse_day) {
            (Some(s), Some(l)) if day >= s && day <= l => Some(if group == Group::BuildUp {
                ((day - s + 1) as f64 / (l - s) as f64).min(1.0)
            } else {
                (day - s + 1) as f64 / (l - s + 1) as f64
            }),
            _ => None,
        };
        if lapse_day.is_some_and(|l| day > l) {
            break; // The simulation ends at the lapse.
        }
        let silent = silent_from.is_some_and(|s| day >= s);
        // CALIBRATE_AFTERNOON=1: the optional random afternoon prompt (craving, mood) is on too.
        let afternoon = std::env::var("CALIBRATE_AFTERNOON").is_ok();
        let slots: &[(u8, f64)] = if afternoon {
            &[(0, 8.5), (2, 15.0), (1, 20.5)]
        } else {
            &[(0, 8.5), (1, 20.5)]
        };
        for &(slot, hour) in slots {
            let at = t0 + day * DAY + (hour * H as f64) as i64 + rng.random_range(0..40) * 60;
            if build.is_some() && lapse_day == Some(day) && slot == 1 {
                lapse = Some((at, t0 + buildup_start.unwrap_or(0) * DAY));
            }
            let mut rate = answer_rate;
            if let Some(b) = build {
                rate *= 1.0 - 0.5 * b; // Check-ins missed as it builds.
            }
            if silent {
                rate = 0.0;
            }
            if !rng.random_bool(clamp(rate, 0.0, 1.0)) {
                missed_run += 1;
                if missed_run == 2 {
                    // "Are you OK?" goes out with the second missed prompt's reminder window.
                    let sent = at + 2 * H;
                    let answer = if silent {
                        None
                    } else if let Some(b) = build {
                        if rng.random_bool(0.5) {
                            None
                        } else {
                            Some((
                                sent + rng.random_range(1..6) * H,
                                if rng.random_bool(0.3 + 0.6 * b) {
                                    OkAnswer::NotGreat
                                } else {
                                    OkAnswer::Fine
                                },
                            ))
                        }
                    } else if rng.random_bool(0.8) {
                        Some((
                            sent + rng.random_range(1..8) * H,
                            if rng.random_bool(0.2) {
                                OkAnswer::NotGreat
                            } else {
                                OkAnswer::Fine
                            },
                        ))
                    } else {
                        None
                    };
                    events.push(Ev::OkCheck { sent, answer });
                }
                continue;
            }
            missed_run = 0;
            let b = build.unwrap_or(0.0);
            let mut mood = mood0 + normal(rng) * 1.2 - 4.0 * b;
            let mut craving = craving0 + normal(rng) * 1.3 + 6.5 * b;
            if crash && build.is_none() {
                mood -= rng.random_range(1.5..3.5);
            }
            // A strong craving now and then, even when stable (post-acute withdrawal).
            if build.is_none() && rng.random_bool(0.07) {
                craving = rng.random_range(7.0..9.5);
            }
            let mut answers = Answers {
                at,
                ..Answers::default()
            };
            if slot == 0 {
                let bad_night = (crash && build.is_none()) || (b > 0.3 && rng.random_bool(0.8));
                let hours = if bad_night {
                    // Insomnia, or 12–15 h of sleep in the crash.
                    if rng.random_bool(0.75) {
                        rng.random_range(2.5..5.0)
                    } else {
                        rng.random_range(12.5..15.0)
                    }
                } else {
                    sleep0 + normal(rng) * 0.8
                };
                let quality = if bad_night {
                    rng.random_range(1.0..4.0)
                } else {
                    quality0 + normal(rng) * 1.2
                };
                answers.sleep_minutes = Some((clamp(hours, 0.0, 24.0) * 60.0) as u16);
                answers.sleep_quality = Some(score(quality));
                answers.mood = Some(score(mood));
            } else if slot == 2 {
                answers.craving = Some(score(craving));
                answers.mood = Some(score(mood));
            } else {
                answers.mood = Some(score(mood));
                answers.craving = Some(score(craving));
                answers.used = Some(false);
            }
            events.push(Ev::Checkin(answers));
        }
        if group == Group::HelpSeeking && rng.random_bool(2.0 / 7.0) {
            // An SOS in the afternoon, ridden out: the urge falls at the two follow-ups.
            let at = t0 + day * DAY + rng.random_range(13..19) * H;
            let start = rng.random_range(6..10u8);
            let mid = start.saturating_sub(rng.random_range(1..4));
            let end = mid.saturating_sub(rng.random_range(1..4));
            events.push(Ev::Sos {
                at,
                urges: vec![start, mid, end],
            });
            // The evening's "strongest urge since the last check-in" remembers it.
            if let Some(Ev::Checkin(a)) = events
                .iter_mut()
                .rev()
                .find(|e| matches!(e, Ev::Checkin(a) if a.craving.is_some() && a.at > at))
            {
                a.craving = Some(a.craving.unwrap_or(0).max(start));
            }
        }
    }
    events.sort_by_key(Ev::at);
    Patient {
        events,
        lapse,
        days,
    }
}

/// What the engine is given at `now`: everything that happened up to then.
fn history(events: &[Ev], rules: &Rules, now: i64) -> History {
    let mut h = History::default();
    for e in events {
        match e {
            Ev::Checkin(a) if a.at <= now => h.checkins.push(a.clone()),
            Ev::OkCheck { sent, answer } => {
                let answered = answer.is_some_and(|(t, _)| t <= now);
                if !answered && *sent + rules.ok_check_wait <= now {
                    h.unanswered_ok_checks.push(*sent);
                }
                if let Some((t, OkAnswer::NotGreat)) = answer {
                    if *t <= now {
                        h.not_great.push(*t);
                    }
                }
            }
            // The urge at the last follow-up, once the follow-ups are done.
            Ev::Sos { at, urges } if *at <= now => h.sos.push(Sos {
                at: *at,
                last_followup_urge: (*at + 30 * 60 <= now && urges.len() > 1)
                    .then(|| urges.last().copied())
                    .flatten(),
            }),
            _ => {}
        }
    }
    h
}

/// The moments the bot runs the engine.
fn moments(events: &[Ev], rules: &Rules) -> Vec<i64> {
    let mut m: Vec<i64> = events
        .iter()
        .flat_map(|e| match e {
            Ev::Checkin(a) => vec![a.at],
            Ev::OkCheck { sent, answer } => match answer {
                Some((t, _)) => vec![*t],
                None => vec![sent + rules.ok_check_wait],
            },
            Ev::Sos { at, .. } => vec![*at + 30 * 60],
        })
        .collect();
    m.sort();
    m
}

/// Runs the engine over one patient: when it alerted (alerts and escalations), and the signs
/// each alert named (for CALIBRATE_DEBUG).
fn run(p: &Patient, rules: &Rules, why: &mut BTreeMap<String, usize>) -> Vec<i64> {
    let mut alerts = Vec::new();
    let mut last: Option<LastAlert> = None;
    let mut times = moments(&p.events, rules);
    let mut i = 0;
    while i < times.len() {
        let now = times[i];
        i += 1;
        let h = history(&p.events, rules, now);
        let found = risk::signals(&h, rules, now);
        let decision = risk::decide(found, last, rules, now);
        if let Decision::Alert(found) | Decision::Escalate(found) = &decision {
            let mut codes: Vec<&str> = found.iter().map(|f| f.signal.code()).collect();
            codes.dedup();
            *why.entry(codes.join(" ")).or_default() += 1;
            alerts.push(now);
            last = Some(LastAlert {
                at: now,
                escalation: matches!(decision, Decision::Escalate(_)),
                // Worst case: no contact taps "I reached out", so escalations happen.
                acknowledged: false,
            });
            // The scheduler looks again when the cooldown ends.
            let again = now + rules.cooldown;
            let pos = times.partition_point(|t| *t < again);
            times.insert(pos.max(i), again);
        }
    }
    alerts
}

/// How many single check-ins alert on their own (the engine given only that one).
fn single_checkin_alerts(p: &Patient, rules: &Rules) -> (usize, usize) {
    let mut n = 0;
    let mut alerted = 0;
    for e in &p.events {
        if let Ev::Checkin(a) = e {
            n += 1;
            let h = History {
                checkins: vec![a.clone()],
                ..History::default()
            };
            if risk::decide(risk::signals(&h, rules, a.at), None, rules, a.at).alerts() {
                alerted += 1;
            }
        }
    }
    (alerted, n)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(2);
    let mut rules = recovery_checkin_bot::config::rules::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts"),
    )
    .unwrap_or_else(|e| panic!("alert rules: {e:?}"));
    // To try other values without editing the file: CALIBRATE_RULES="min_kinds=4,window_hours=48".
    if let Ok(overrides) = std::env::var("CALIBRATE_RULES") {
        for kv in overrides.split(',').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').expect("name=value");
            let v: i64 = v.parse().expect("a number");
            match k {
                "min_kinds" => rules.min_kinds = v as usize,
                "min_span_hours" => rules.min_span = v * H,
                "min_checkins_or_events" => rules.min_moments = v as usize,
                "min_repeated_kinds" => rules.min_repeated_kinds = v as usize,
                "window_hours" => rules.window = v * H,
                "cooldown_hours" => rules.cooldown = v * H,
                "baseline_days" => rules.baseline_days = v,
                "baseline_min_answers" => rules.baseline_min = v as usize,
                "baseline_margin" => rules.baseline_margin = v as u8,
                "craving_high" => rules.craving_high = v as u8,
                "mood_low" => rules.mood_low = v as u8,
                "craving_rising_by" => rules.craving_rising_by = v as u8,
                "craving_above_usual" => rules.craving_above_usual = v as u8,
                _ => panic!("unknown rule {k}"),
            }
        }
        println!("overrides: {overrides}");
    }
    if std::env::var("CALIBRATE_TRACE").is_ok() {
        debug_buildups(&rules);
        return;
    }
    let mut rng = StdRng::seed_from_u64(seed);
    println!("calibration: {n} simulated patients per group, seed {seed}");
    println!("rules: prompts/alert-rules.toml\n");
    let mut singles = (0, 0);
    for group in [
        Group::Crash,
        Group::HelpSeeking,
        Group::BuildUp,
        Group::BuildUpLate,
        Group::Disengaged,
    ] {
        let mut alerts = 0usize;
        let mut months = 0.0;
        let mut patients_alerted = 0usize;
        let mut early = 0usize; // build-ups alerted ≥ 12 h before the lapse
        let mut any_before = 0usize;
        let mut leads: Vec<f64> = Vec::new();
        let mut before_buildup = 0usize;
        let mut before_days = 0.0;
        let mut why: BTreeMap<String, usize> = BTreeMap::new();
        let mut by_chance = 0usize;
        for _ in 0..n {
            let p = simulate(group, &mut rng);
            let s = single_checkin_alerts(&p, &rules);
            singles.0 += s.0;
            singles.1 += s.1;
            let times = run(&p, &rules, &mut why);
            months += p.days as f64 / 30.0;
            alerts += times.len();
            if !times.is_empty() {
                patients_alerted += 1;
            }
            if group == Group::Crash {
                // Chance: a stable patient's alert falling, ≥ 12 h ahead, into a window shaped
                // like a build-up (2–4 days ending on an evening in weeks 3–4). A build-up
                // "caught" at this rate was caught by luck.
                let end = 100 * DAY + rng.random_range(14..28) * DAY + 20 * H + 30 * 60;
                let start = end - rng.random_range(2..=4) * DAY - 20 * H;
                if times.iter().any(|t| *t >= start && *t <= end - 12 * H) {
                    by_chance += 1;
                }
            }
            if let Some((lapse, start)) = p.lapse {
                // An alert during the build-up counts for it.
                let during: Vec<i64> = times
                    .iter()
                    .copied()
                    .filter(|t| *t < lapse && *t >= start)
                    .collect();
                if let Some(first) = during.first() {
                    any_before += 1;
                    let lead = (lapse - first) as f64 / H as f64;
                    leads.push(lead);
                    if lead >= 12.0 {
                        early += 1;
                    }
                }
                before_buildup += times.iter().filter(|t| **t < start).count();
                before_days += (start - 100 * DAY) as f64 / DAY as f64;
            }
        }
        if std::env::var("CALIBRATE_DEBUG").is_ok() {
            let mut top: Vec<(usize, String)> = why.into_iter().map(|(k, v)| (v, k)).collect();
            top.sort_by(|a, b| b.cmp(a));
            for (count, signs) in top.iter().take(6) {
                println!("    {count:>6}  {signs}");
            }
        }
        match group {
            Group::Crash => println!(
                "{:<13} alerts per patient-month {:>5.2}   patients ever alerted {:>5.1}%   \
                 a build-up-shaped window alerted ≥12 h ahead by chance {:>5.1}%",
                "Crash",
                alerts as f64 / months,
                100.0 * patients_alerted as f64 / n as f64,
                100.0 * by_chance as f64 / n as f64
            ),
            Group::HelpSeeking => println!(
                "{:<13} alerts per patient-month {:>5.2}   patients ever alerted {:>5.1}%",
                "HelpSeeking",
                alerts as f64 / months,
                100.0 * patients_alerted as f64 / n as f64
            ),
            Group::BuildUp | Group::BuildUpLate => {
                leads.sort_by(|a, b| a.total_cmp(b));
                let median = leads.get(leads.len() / 2).copied().unwrap_or(0.0);
                println!(
                    "{:<13} alerted before the lapse {:>5.1}%   ≥12 h before {:>5.1}%   median lead {:>4.0} h   \
                     alerts per patient-month in the stable weeks before {:>5.2}",
                    format!("{group:?}"),
                    100.0 * any_before as f64 / n as f64,
                    100.0 * early as f64 / n as f64,
                    median,
                    before_buildup as f64 / (before_days / 30.0)
                );
            }
            Group::Disengaged => println!(
                "{:<13} alerts per patient-month {:>5.2}   patients ever alerted {:>5.1}%",
                "Disengaged",
                alerts as f64 / months,
                100.0 * patients_alerted as f64 / n as f64
            ),
        }
    }
    println!(
        "\nsingle check-ins that alert on their own: {} of {} ({:.2}%)",
        singles.0,
        singles.1,
        100.0 * singles.0 as f64 / singles.1.max(1) as f64
    );
}

#[allow(dead_code)]
fn debug_buildups(rules: &Rules) {
    let mut rng = StdRng::seed_from_u64(9);
    for _ in 0..6 {
        let p = simulate(Group::BuildUp, &mut rng);
        let (lapse, start) = p.lapse.unwrap();
        println!("--- lapse at +{}h from build-up start", (lapse - start) / H);
        for e in &p.events {
            if e.at() >= start - DAY && e.at() < lapse {
                println!("  {:>4}h {:?}", (e.at() - start) / H, e);
            }
        }
        let now = lapse - 12 * H;
        let h = history(&p.events, rules, now);
        let found = risk::signals(&h, rules, now);
        println!(
            "  at lapse-12h: {:?}",
            found
                .iter()
                .map(|f| (f.signal.code(), f.count))
                .collect::<Vec<_>>()
        );
        println!("  baseline {:?}", risk::baseline(&h, rules, now));
        println!("  cluster {}", risk::is_cluster(&found, rules));
    }
}
