use super::*;

fn bad_night(hours_ago: i64) -> Answers {
    Answers {
        mood: Some(3),
        sleep_minutes: Some(4 * 60),
        sleep_quality: Some(3),
        craving: Some(8),
        used: Some(true),
        ..checkin(hours_ago)
    }
}

#[test]
fn one_check_in_is_never_a_cluster_whatever_it_says() {
    let r = Rules::default();
    let h = History {
        checkins: vec![bad_night(1)],
        ..History::default()
    };
    let found = signals(&h, &r, NOW);
    assert_eq!(found.len(), 5, "every sign is seen: {found:?}");
    assert_eq!(decide(found, None, &r, NOW), Decision::Quiet);
    // The new user's very first check-in.
    let first = History {
        checkins: vec![Answers {
            mood: Some(3),
            sleep_minutes: Some(4 * 60),
            sleep_quality: Some(3),
            craving: Some(0),
            used: Some(false),
            ..checkin(0)
        }],
        ..History::default()
    };
    assert_eq!(
        decide(signals(&first, &r, NOW), None, &r, NOW),
        Decision::Quiet
    );
}

#[test]
fn kinds_from_check_ins_far_enough_apart_make_a_cluster() {
    let r = Rules::default();
    let three = |gap: i64| History {
        checkins: vec![
            Answers {
                sleep_minutes: Some(4 * 60),
                sleep_quality: Some(2),
                mood: Some(3),
                ..checkin(gap)
            },
            Answers {
                mood: Some(3),
                ..checkin(gap / 2)
            },
            Answers {
                mood: Some(2),
                craving: Some(8),
                ..checkin(0)
            },
        ],
        ..History::default()
    };
    // Short and poor sleep are one kind: sleep, mood, craving make three, low mood seen
    // three times.
    assert!(matches!(
        decide(signals(&three(12), &r, NOW), None, &r, NOW),
        Decision::Alert(_)
    ));
    assert_eq!(
        decide(signals(&three(11), &r, NOW), None, &r, NOW),
        Decision::Quiet,
        "11 h from first to last is under the span"
    );
    let mut two = three(20);
    two.checkins.remove(1);
    assert!(
        matches!(
            decide(signals(&two, &r, NOW), None, &r, NOW),
            Decision::Alert(_)
        ),
        "two check-ins 20 h apart, low mood at both, can be a cluster"
    );
    let stricter = Rules {
        min_moments: 3,
        ..Rules::default()
    };
    assert_eq!(
        decide(signals(&two, &stricter, NOW), None, &stricter, NOW),
        Decision::Quiet,
        "unless three moments are asked for"
    );
    let nothing_twice = History {
        checkins: vec![
            Answers {
                sleep_minutes: Some(4 * 60),
                ..checkin(30)
            },
            Answers {
                mood: Some(2),
                ..checkin(20)
            },
            Answers {
                craving: Some(8),
                ..checkin(0)
            },
        ],
        ..History::default()
    };
    assert_eq!(
        decide(signals(&nothing_twice, &r, NOW), None, &r, NOW),
        Decision::Quiet,
        "three kinds, each seen once: nothing persists"
    );
    let two_kinds = History {
        checkins: vec![
            Answers {
                sleep_minutes: Some(4 * 60),
                ..checkin(40)
            },
            Answers {
                sleep_quality: Some(1),
                mood: Some(2),
                ..checkin(0)
            },
        ],
        ..History::default()
    };
    assert_eq!(
        decide(signals(&two_kinds, &r, NOW), None, &r, NOW),
        Decision::Quiet,
        "bad nights and low mood are two kinds"
    );
}

#[test]
fn against_the_persons_usual_once_there_is_one() {
    let r = Rules::default();
    // Two weeks before the window: this person usually sleeps 4 h, poorly, mood 3.
    let mut usual: Vec<Answers> = (4..18)
        .map(|d| Answers {
            mood: Some(3),
            sleep_minutes: Some(4 * 60),
            sleep_quality: Some(3),
            craving: Some(2),
            ..checkin(d * 24)
        })
        .collect();
    usual.reverse();
    let with = |a: Answers| {
        let mut checkins = usual.clone();
        checkins.push(a);
        found_now(&History {
            checkins,
            ..History::default()
        })
    };
    assert!(
        with(Answers {
            mood: Some(3),
            sleep_minutes: Some(4 * 60),
            sleep_quality: Some(3),
            ..checkin(1)
        })
        .is_empty(),
        "their ordinary night is no sign"
    );
    assert!(
        with(Answers {
            mood: Some(2),
            sleep_minutes: Some(3 * 60),
            sleep_quality: Some(2),
            ..checkin(1)
        })
        .is_empty(),
        "one point (one hour) under their usual is within the margin of 2"
    );
    assert_eq!(
        with(Answers {
            mood: Some(1),
            sleep_minutes: Some(2 * 60),
            sleep_quality: Some(1),
            craving: Some(5),
            ..checkin(1)
        }),
        [
            Signal::CravingAboveUsual,
            Signal::LowMood,
            Signal::ShortSleep,
            Signal::PoorSleep
        ],
        "worse than their usual by the margin is; a craving 3 over their usual 2 too"
    );
    assert_eq!(
        baseline(
            &History {
                checkins: usual.clone(),
                ..History::default()
            },
            &r,
            NOW
        ),
        Baseline {
            mood: Some(3),
            craving: Some(2),
            sleep_minutes: Some(240),
            sleep_quality: Some(3)
        }
    );
    // Too few answers before the window: no baseline, the fixed thresholds alone.
    let few = History {
        checkins: usual[..r.baseline_min - 1].to_vec(),
        ..History::default()
    };
    assert_eq!(baseline(&few, &r, NOW), Baseline::default());
}

#[test]
fn the_days_the_signs_span() {
    let f = |first_hours_ago: i64| {
        [Found {
            signal: Signal::LowMood,
            at: NOW,
            first: NOW - first_hours_ago * H,
            count: 2,
            moments: vec![NOW - first_hours_ago * H, NOW],
        }]
    };
    assert_eq!(days_spanned(&f(12), NOW), 1);
    assert_eq!(days_spanned(&f(24), NOW), 1);
    assert_eq!(days_spanned(&f(25), NOW), 2);
    assert_eq!(days_spanned(&f(71), NOW), 3);
}
