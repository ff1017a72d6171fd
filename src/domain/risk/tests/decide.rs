use super::*;

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
