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

fn three() -> Vec<Found> {
    [
        Signal::HighCraving,
        Signal::ShortSleep,
        Signal::MissedCheckins,
    ]
    .into_iter()
    .map(|signal| Found {
        signal,
        at: NOW,
        first: NOW - 20 * H,
        count: 2,
        moments: vec![NOW - 20 * H, NOW - 10 * H, NOW],
    })
    .collect()
}

#[test]
fn the_rule_fires_at_the_threshold() {
    let r = Rules::default();
    let mut two = three();
    two.pop();
    assert_eq!(decide(two, None, &r, NOW), Decision::Quiet);
    assert_eq!(decide(three(), None, &r, NOW), Decision::Alert(three()));
    let mut same_moment = three();
    for f in &mut same_moment {
        f.first = NOW;
        f.moments = vec![NOW];
    }
    assert_eq!(decide(same_moment, None, &r, NOW), Decision::Quiet);
}

#[test]
fn cooldown_then_one_escalation_then_alerts_again() {
    let r = Rules::default();
    let last = |hours_ago: i64, escalation: bool, acknowledged: bool| {
        Some(LastAlert {
            at: NOW - hours_ago * H,
            escalation,
            acknowledged,
        })
    };
    // Inside the cooldown: nothing, acknowledged or not.
    assert_eq!(
        decide(three(), last(23, false, false), &r, NOW),
        Decision::CoolingDown
    );
    assert_eq!(
        decide(three(), last(23, false, true), &r, NOW),
        Decision::CoolingDown
    );
    // Just past it, unacknowledged: escalate once.
    assert_eq!(
        decide(three(), last(24, false, false), &r, NOW),
        Decision::Escalate(three())
    );
    // Acknowledged: a new alert, not an escalation.
    assert_eq!(
        decide(three(), last(24, false, true), &r, NOW),
        Decision::Alert(three())
    );
    // After the escalation's own cooldown: an ordinary alert again (at most one a day).
    assert_eq!(
        decide(three(), last(23, true, false), &r, NOW),
        Decision::CoolingDown
    );
    assert_eq!(
        decide(three(), last(24, true, false), &r, NOW),
        Decision::Alert(three())
    );
    // An unanswered alert from long ago (past cooldown + window): a new cluster.
    assert_eq!(
        decide(three(), last(24 + 72, false, false), &r, NOW),
        Decision::Alert(three())
    );
    // Not enough signals: quiet, whatever came before.
    assert_eq!(
        decide(three()[..2].to_vec(), last(30, false, false), &r, NOW),
        Decision::Quiet
    );
}

#[test]
fn two_days_of_worsening_answers() {
    // A bad night and low mood, a strong craving that afternoon, then worse.
    let h = History {
        checkins: vec![
            Answers {
                mood: Some(3),
                sleep_minutes: Some(4 * 60),
                ..checkin(36)
            },
            Answers {
                mood: Some(4),
                craving: Some(7),
                ..checkin(20)
            },
            Answers {
                mood: Some(2),
                craving: Some(8),
                ..checkin(0)
            },
        ],
        ..History::default()
    };
    let r = Rules::default();
    let found = signals(&h, &r, NOW);
    assert_eq!(
        kinds(&found),
        [Signal::HighCraving, Signal::LowMood, Signal::ShortSleep]
    );
    assert_eq!(days_spanned(&found, NOW), 2);
    assert!(matches!(decide(found, None, &r, NOW), Decision::Alert(_)));
    // The day before, only the bad night: quiet.
    let before = signals(&h, &r, NOW - 24 * H);
    assert_eq!(decide(before, None, &r, NOW - 24 * H), Decision::Quiet);
}

#[test]
fn after_an_alert_only_new_signs_make_another() {
    let r = Rules::default();
    let last = Some(LastAlert {
        at: NOW - 30 * H,
        escalation: false,
        acknowledged: false,
    });
    let mut old = three();
    for f in &mut old {
        f.moments = vec![NOW - 40 * H, NOW - 35 * H, NOW - 31 * H];
        f.first = NOW - 40 * H;
        f.at = NOW - 31 * H;
    }
    assert_eq!(decide(old, last, &r, NOW), Decision::Quiet);
    assert_eq!(decide(three(), last, &r, NOW), Decision::Escalate(three()));
    // After "I reached out", a new alert needs a new cluster from what came since: here
    // only 10 h of it (under the 12 h span).
    let acknowledged = Some(LastAlert {
        at: NOW - 15 * H,
        escalation: false,
        acknowledged: true,
    });
    assert_eq!(
        decide(three(), acknowledged, &r, NOW + 10 * H - 10 * H),
        Decision::CoolingDown
    );
    let later = NOW + 10 * H;
    assert_eq!(
        decide(three(), acknowledged, &r, later),
        Decision::Quiet,
        "the old signs and 10 h of new ones are not a new cluster"
    );
}

#[test]
fn a_craving_after_an_sos_ridden_out_is_not_counted_again() {
    let r = Rules::default();
    let h = |urge| History {
        checkins: vec![
            Answers {
                craving: Some(1),
                ..checkin(10)
            },
            Answers {
                craving: Some(8),
                ..checkin(0)
            },
        ],
        sos: vec![Sos {
            at: NOW - 5 * H,
            last_followup_urge: Some(urge),
        }],
        ..History::default()
    };
    assert!(found_now(&h(3)).is_empty(), "ridden out");
    assert_eq!(
        found_now(&h(r.craving_high)),
        [Signal::SosUrgeStayedHigh],
        "still strong: one sign, the SOS's, not the check-in's again"
    );
}

#[test]
fn codes_round_trip() {
    for s in Signal::ALL {
        assert_eq!(Signal::parse(s.code()), Some(s));
    }
    assert_eq!(Signal::parse("nope"), None);
}
