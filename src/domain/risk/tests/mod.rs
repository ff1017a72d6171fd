use super::*;

const H: i64 = 3600;
const NOW: i64 = 1_000 * H;

fn checkin(hours_ago: i64) -> Answers {
    Answers {
        at: NOW - hours_ago * H,
        ..Answers::default()
    }
}

fn kinds(found: &[Found]) -> Vec<Signal> {
    found.iter().map(|f| f.signal).collect()
}

fn found_now(h: &History) -> Vec<Signal> {
    kinds(&signals(h, &Rules::default(), NOW))
}

#[test]
fn each_signal_at_its_threshold_and_not_one_step_inside() {
    let r = Rules::default();
    let one = |a: Answers| {
        found_now(&History {
            checkins: vec![a],
            ..History::default()
        })
    };
    let at = checkin(1);
    assert_eq!(
        one(Answers {
            craving: Some(r.craving_high),
            ..at.clone()
        }),
        [Signal::HighCraving]
    );
    assert!(one(Answers {
        craving: Some(r.craving_high - 1),
        ..at.clone()
    })
    .is_empty());
    assert_eq!(
        one(Answers {
            mood: Some(r.mood_low),
            ..at.clone()
        }),
        [Signal::LowMood]
    );
    assert!(one(Answers {
        mood: Some(r.mood_low + 1),
        ..at.clone()
    })
    .is_empty());
    // Under 5 h is short; exactly 5 h is not. Over 12 h is long; exactly 12 h is not.
    assert_eq!(
        one(Answers {
            sleep_minutes: Some(4 * 60 + 59),
            ..at.clone()
        }),
        [Signal::ShortSleep]
    );
    assert!(one(Answers {
        sleep_minutes: Some(5 * 60),
        ..at.clone()
    })
    .is_empty());
    assert_eq!(
        one(Answers {
            sleep_minutes: Some(12 * 60 + 1),
            ..at.clone()
        }),
        [Signal::LongSleep]
    );
    assert!(one(Answers {
        sleep_minutes: Some(12 * 60),
        ..at.clone()
    })
    .is_empty());
    assert_eq!(
        one(Answers {
            sleep_quality: Some(3),
            ..at.clone()
        }),
        [Signal::PoorSleep]
    );
    assert!(one(Answers {
        sleep_quality: Some(4),
        ..at.clone()
    })
    .is_empty());
    assert_eq!(
        one(Answers {
            used: Some(true),
            ..at.clone()
        }),
        [Signal::ReportedUse]
    );
    assert!(one(Answers {
        used: Some(false),
        ..at.clone()
    })
    .is_empty());
    // A check-in with nothing answered is no signal at all.
    assert!(one(at).is_empty());
}

#[test]
fn rising_craving_needs_every_step_up_and_a_high_enough_end() {
    let h = |values: &[u8]| History {
        checkins: values
            .iter()
            .enumerate()
            .map(|(i, v)| Answers {
                craving: Some(*v),
                ..checkin(10 * (values.len() - i) as i64)
            })
            .collect(),
        ..History::default()
    };
    assert_eq!(found_now(&h(&[2, 3, 5])), [Signal::RisingCraving]);
    assert!(
        found_now(&h(&[2, 5])).is_empty(),
        "two check-ins are not a run"
    );
    assert!(found_now(&h(&[2, 5, 5])).is_empty(), "flat is not rising");
    assert!(found_now(&h(&[1, 2, 3])).is_empty(), "ends below 4");
    assert!(found_now(&h(&[3, 4, 5])).is_empty(), "rose by only 2");
    assert_eq!(
        found_now(&h(&[2, 4, 6, 1])),
        [Signal::RisingCraving],
        "a run earlier in the window still counts"
    );
    // Rising into the high range is both signals.
    assert_eq!(
        found_now(&h(&[4, 5, 8])),
        [Signal::HighCraving, Signal::RisingCraving]
    );
    // A check-in without a craving answer does not break the run.
    let mut gap = h(&[2, 3, 5]);
    gap.checkins.insert(1, checkin(25));
    gap.checkins.sort_by_key(|c| c.at);
    assert_eq!(found_now(&gap), [Signal::RisingCraving]);
}

#[test]
fn the_window_is_open_at_its_start_and_closed_at_now() {
    let r = Rules::default();
    let at = |t: i64| History {
        checkins: vec![Answers {
            at: t,
            mood: Some(1),
            ..Answers::default()
        }],
        ..History::default()
    };
    assert_eq!(
        kinds(&signals(&at(NOW - r.window + 1), &r, NOW)),
        [Signal::LowMood]
    );
    assert!(signals(&at(NOW - r.window), &r, NOW).is_empty());
    assert!(
        signals(&at(NOW + 1), &r, NOW).is_empty(),
        "nothing from the future"
    );
}

#[test]
fn an_unanswered_are_you_ok_counts_only_after_the_wait() {
    let r = Rules::default();
    let h = History {
        unanswered_ok_checks: vec![NOW - r.ok_check_wait],
        ..History::default()
    };
    assert_eq!(found_now(&h), [Signal::MissedCheckins]);
    let h = History {
        unanswered_ok_checks: vec![NOW - r.ok_check_wait + 1],
        ..History::default()
    };
    assert!(found_now(&h).is_empty());
}

#[test]
fn asking_for_help_is_not_a_sign_an_urge_that_stays_strong_is() {
    let r = Rules::default();
    let h = |urge: Option<u8>| History {
        sos: vec![Sos {
            at: NOW - 2 * H,
            last_followup_urge: urge,
        }],
        ..History::default()
    };
    assert!(found_now(&h(None)).is_empty(), "an SOS alone");
    assert!(found_now(&h(Some(3))).is_empty(), "an SOS ridden out");
    assert_eq!(
        found_now(&h(Some(r.craving_high))),
        [Signal::SosUrgeStayedHigh]
    );
    assert_eq!(Signal::SosUrgeStayedHigh.kind(), Some(Kind::Craving));
}

#[test]
fn not_great_and_unanswered_are_one_kind_and_crisis_is_none() {
    let r = Rules::default();
    let h = History {
        not_great: vec![NOW - 30 * H],
        unanswered_ok_checks: vec![NOW - 20 * H],
        crisis_yes: vec![NOW - H],
        ..History::default()
    };
    let found = signals(&h, &r, NOW);
    assert_eq!(
        kinds(&found),
        [
            Signal::MissedCheckins,
            Signal::NotGreat,
            Signal::CrisisScreen
        ]
    );
    assert!(
        !is_cluster(&found, &r),
        "one kind, and the crisis path is separate"
    );
}

// Which answers make a cluster, and against whose usual.
mod cluster;
// When an alert goes out, and when the next one may.
mod decide;
