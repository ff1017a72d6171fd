use super::*;
use rand::rngs::StdRng;
use rand::SeedableRng;

fn reading() -> Reading {
    Reading::default()
}

#[test]
fn all_fine_is_reinforcement() {
    let r = Reading {
        mood: Some(7),
        sleep_minutes: Some(7 * 60),
        sleep_quality: Some(7),
        craving: Some(2),
        used: Some(false),
        previous_craving: Some(3),
    };
    assert_eq!(needs(&r), vec![Need::Reinforce]);
    assert_eq!(primary(&reading()), Need::Reinforce);
}

#[test]
fn the_most_urgent_need_wins() {
    let everything = Reading {
        mood: Some(0),
        sleep_minutes: Some(3 * 60),
        sleep_quality: Some(1),
        craving: Some(9),
        used: Some(true),
        previous_craving: None,
    };
    assert_eq!(
        needs(&everything),
        vec![
            Need::Crisis,
            Need::Lapse,
            Need::Craving,
            Need::Mood,
            Need::Sleep
        ]
    );
    let no_crisis = Reading {
        mood: Some(2),
        ..everything
    };
    assert_eq!(primary(&no_crisis), Need::Lapse);
    let no_use = Reading {
        used: Some(false),
        ..no_crisis
    };
    assert_eq!(primary(&no_use), Need::Craving);
    let calm = Reading {
        craving: Some(1),
        ..no_use
    };
    assert_eq!(primary(&calm), Need::Mood);
    let ok_mood = Reading {
        mood: Some(7),
        ..calm
    };
    assert_eq!(primary(&ok_mood), Need::Sleep);
}

#[test]
fn threshold_edges() {
    let craving = |c, p| Reading {
        craving: Some(c),
        previous_craving: p,
        ..reading()
    };
    assert_eq!(primary(&craving(7, None)), Need::Craving);
    assert_eq!(primary(&craving(6, None)), Need::Triggers);
    assert_eq!(primary(&craving(4, None)), Need::Triggers);
    assert_eq!(primary(&craving(3, None)), Need::Reinforce);
    // Rising by two to five or more counts as strong; from a higher base it does not.
    assert_eq!(primary(&craving(5, Some(3))), Need::Craving);
    assert_eq!(primary(&craving(5, Some(4))), Need::Triggers);
    assert_eq!(primary(&craving(4, Some(0))), Need::Triggers);

    let mood = |m| Reading {
        mood: Some(m),
        ..reading()
    };
    assert_eq!(primary(&mood(0)), Need::Crisis);
    assert_eq!(primary(&mood(1)), Need::Mood);
    assert_eq!(primary(&mood(3)), Need::Mood);
    assert_eq!(primary(&mood(4)), Need::Halt);
    assert_eq!(primary(&mood(5)), Need::Halt);
    assert_eq!(primary(&mood(6)), Need::Reinforce);

    let sleep = |h: u16, q| Reading {
        sleep_minutes: Some(h),
        sleep_quality: q,
        ..reading()
    };
    assert_eq!(primary(&sleep(299, None)), Need::Sleep);
    assert_eq!(primary(&sleep(300, None)), Need::Halt);
    assert_eq!(primary(&sleep(359, None)), Need::Halt);
    assert_eq!(primary(&sleep(360, None)), Need::Reinforce);
    assert_eq!(primary(&sleep(720, None)), Need::Reinforce);
    assert_eq!(primary(&sleep(721, None)), Need::Sleep);
    assert_eq!(primary(&sleep(480, Some(3))), Need::Sleep);
    assert_eq!(primary(&sleep(480, Some(4))), Need::Halt);
    assert_eq!(primary(&sleep(480, Some(6))), Need::Reinforce);

    // "Prefer not to say" is never read as a use.
    let skipped = Reading {
        used: None,
        mood: Some(8),
        ..reading()
    };
    assert_eq!(primary(&skipped), Need::Reinforce);
}

#[test]
fn codes_round_trip() {
    for n in Need::ALL {
        assert_eq!(Need::parse(n.code()), Some(n));
    }
    assert_eq!(Need::parse("nope"), None);
}

const POOL: [&str; 8] = ["a", "b", "c", "d", "e", "f", "g", "h"];

fn history(recent: &[&str]) -> History {
    History {
        recent: recent.iter().map(|s| s.to_string()).collect(),
        feedback: HashMap::new(),
    }
}

#[test]
fn never_repeats_within_the_last_few() {
    let mut rng = StdRng::seed_from_u64(7);
    let mut h = history(&[]);
    for _ in 0..200 {
        let k = choose(&POOL, &h, &[], &mut rng).unwrap();
        assert!(
            !h.recent.iter().take(NO_REPEAT_WITHIN).any(|r| r == k),
            "{k} repeated within {:?}",
            &h.recent[..NO_REPEAT_WITHIN.min(h.recent.len())]
        );
        h.recent.insert(0, k.to_string());
    }
}

#[test]
fn a_small_pool_falls_back_to_the_oldest() {
    let mut rng = StdRng::seed_from_u64(1);
    let pool = ["a", "b", "c"];
    let h = history(&["b", "a", "c"]);
    assert_eq!(choose(&pool, &h, &[], &mut rng), Some("c"));
    let h = history(&["b", "a"]);
    // Never shown beats anything shown.
    assert_eq!(choose(&pool, &h, &[], &mut rng), Some("c"));
    assert_eq!(choose(&pool, &h, &["a", "b", "c"], &mut rng), None);
    assert_eq!(choose(&[], &h, &[], &mut rng), None);
}

#[test]
fn excluded_keys_are_not_offered_again() {
    let mut rng = StdRng::seed_from_u64(3);
    for _ in 0..100 {
        let k = choose(&POOL, &history(&[]), &["a", "b", "c"], &mut rng).unwrap();
        assert!(!["a", "b", "c"].contains(&k));
    }
}

#[test]
fn not_for_me_waits_until_everything_else_was_shown() {
    let mut rng = StdRng::seed_from_u64(11);
    let mut h = history(&[]);
    h.feedback.insert(
        "a".into(),
        Feedback {
            helpful: 0,
            not_for_me: 1,
        },
    );
    for _ in 0..500 {
        assert_ne!(choose(&POOL, &h, &[], &mut rng), Some("a"));
    }
    // Once the others are all recent, it may come back rather than repeat one.
    let h2 = History {
        recent: ["b", "c", "d", "e", "f"].map(String::from).to_vec(),
        feedback: h.feedback.clone(),
    };
    let pool = ["a", "b", "c", "d", "e", "f"];
    assert_eq!(choose(&pool, &h2, &[], &mut rng), Some("a"));
    // Marked helpful later as often: no longer kept back.
    h.feedback.insert(
        "a".into(),
        Feedback {
            helpful: 1,
            not_for_me: 1,
        },
    );
    assert!((0..500).any(|_| choose(&POOL, &h, &[], &mut rng) == Some("a")));
}

#[test]
fn helpful_ones_come_up_more_often() {
    let mut rng = StdRng::seed_from_u64(5);
    let mut h = history(&[]);
    h.feedback.insert(
        "a".into(),
        Feedback {
            helpful: 3,
            not_for_me: 0,
        },
    );
    let n = 8000;
    let hits = (0..n)
        .filter(|_| choose(&POOL, &h, &[], &mut rng) == Some("a"))
        .count();
    // Weight 4 among seven others of weight 1: 4/11 ≈ 36%, against 1/8 = 12.5% plain.
    let share = hits as f64 / n as f64;
    assert!((0.31..0.42).contains(&share), "share {share}");
}

#[test]
fn seeded_choice_is_reproducible() {
    let h = history(&["c"]);
    let a: Vec<_> = {
        let mut rng = StdRng::seed_from_u64(42);
        (0..20)
            .map(|_| choose(&POOL, &h, &[], &mut rng).unwrap())
            .collect()
    };
    let mut rng = StdRng::seed_from_u64(42);
    let b: Vec<_> = (0..20)
        .map(|_| choose(&POOL, &h, &[], &mut rng).unwrap())
        .collect();
    assert_eq!(a, b);
}

#[test]
fn streaks() {
    let d = |day| NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
    assert_eq!(streak(&[], d(10)), 0);
    assert_eq!(streak(&[d(10)], d(10)), 1);
    assert_eq!(streak(&[d(10), d(10), d(9), d(8)], d(10)), 3);
    // A streak still counts on a day not yet checked in.
    assert_eq!(streak(&[d(9), d(8)], d(10)), 2);
    assert_eq!(streak(&[d(8), d(7)], d(10)), 0);
    assert_eq!(streak(&[d(10), d(8), d(7)], d(10)), 1);
    assert_eq!(streak(&[d(7), d(10), d(9), d(8)], d(10)), 4);
    // Dates after "today" (a zone change) are ignored.
    assert_eq!(streak(&[d(11), d(10)], d(10)), 1);
}
