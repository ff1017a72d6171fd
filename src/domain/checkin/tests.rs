use super::*;

#[test]
fn text_dated_too_soon_after_its_question_does_not_answer_it() {
    let shown = Some(1_700_000_000);
    assert!(!read_in_time(shown, 1_700_000_000));
    assert!(!read_in_time(shown, 1_700_000_001));
    assert!(read_in_time(shown, 1_700_000_002));
    assert!(read_in_time(shown, 1_700_000_060));
    // Written before the question appeared at all.
    assert!(!read_in_time(shown, 1_699_999_990));
    // Unknown dates accept: the older message-order rule still applies.
    assert!(read_in_time(None, 1_700_000_000));
    assert!(read_in_time(Some(0), 1_700_000_000));
    assert!(read_in_time(shown, 0));
}

#[test]
fn a_full_check_in_asks_every_step_in_order_and_ends_after_the_note() {
    let q = Questions::full();
    let mut s = q.first();
    let mut seen = vec![s];
    while let Some(n) = q.after(s) {
        seen.push(n);
        s = n;
    }
    assert_eq!(seen, Step::ALL.to_vec());
    assert_eq!(q.after(Step::Note), None);
    assert_eq!(q.position(Step::Mood), (1, 6));
    assert_eq!(q.position(Step::Note), (6, 6));
}

#[test]
fn question_sets_keep_order_and_round_trip() {
    let m = Questions::morning();
    assert_eq!(m.first(), Step::SleepHours);
    assert_eq!(m.after(Step::SleepQuality), Some(Step::Mood));
    assert_eq!(m.after(Step::Mood), None);
    assert_eq!(m.after(Step::Craving), None, "not asked");
    assert_eq!(m.position(Step::Mood), (3, 3));
    for q in [
        Questions::full(),
        Questions::morning(),
        Questions::evening(),
        Questions::afternoon(),
    ] {
        assert_eq!(Questions::parse(&q.code()), Some(q));
    }
    assert_eq!(
        Questions::parse("crave,mood").unwrap().first(),
        Step::Craving
    );
    assert_eq!(Questions::parse("mood,mood"), None);
    assert_eq!(Questions::parse(""), None);
    assert_eq!(Questions::parse("mood,bogus"), None);
}

#[test]
fn step_codes_round_trip() {
    for s in Step::ALL {
        assert_eq!(Step::from_code(s.code()), Some(s));
    }
    assert_eq!(Step::from_code("mood2"), None);
}

#[test]
fn scores_accept_zero_to_ten_only() {
    assert_eq!(Score::parse("0").unwrap().value(), 0);
    assert_eq!(Score::parse(" 10 ").unwrap().value(), 10);
    assert_eq!(Score::parse("7/10").unwrap().value(), 7);
    assert_eq!(
        Score::parse("11"),
        Err(AnswerError::OutOfRange { min: 0, max: 10 })
    );
    assert_eq!(
        Score::parse("-1"),
        Err(AnswerError::OutOfRange { min: 0, max: 10 })
    );
    assert_eq!(Score::parse("seven"), Err(AnswerError::NotANumber));
    assert_eq!(Score::parse(""), Err(AnswerError::NotANumber));
    assert_eq!(Score::parse("6.5"), Err(AnswerError::NotANumber));
}

#[test]
fn sleep_accepts_common_ways_of_typing_hours() {
    let m = |t: &str| SleepDuration::parse(t).map(|d| d.minutes());
    assert_eq!(m("7"), Ok(420));
    assert_eq!(m("7.5"), Ok(450));
    assert_eq!(m("7,5"), Ok(450));
    assert_eq!(m("7h"), Ok(420));
    assert_eq!(m("7 hours"), Ok(420));
    assert_eq!(m("7:30"), Ok(450));
    assert_eq!(m("7h30"), Ok(450));
    assert_eq!(m("0"), Ok(0));
    assert_eq!(m("24"), Ok(1440));
    assert_eq!(m("25"), Err(AnswerError::OutOfRange { min: 0, max: 24 }));
    assert_eq!(m("-2"), Err(AnswerError::OutOfRange { min: 0, max: 24 }));
    assert_eq!(m("7:75"), Err(AnswerError::NotANumber));
    assert_eq!(m("lots"), Err(AnswerError::NotANumber));
    assert_eq!(m("NaN"), Err(AnswerError::NotANumber));
    assert_eq!(m("inf"), Err(AnswerError::NotANumber));
    // Not hours as anyone writes them (issue 12 item 14).
    assert_eq!(m("1e1"), Err(AnswerError::NotANumber));
    assert_eq!(
        m("-0.001"),
        Err(AnswerError::OutOfRange { min: 0, max: 24 })
    );
    assert_eq!(m("7.123"), Err(AnswerError::NotANumber));
    assert_eq!(m(".5"), Err(AnswerError::NotANumber));
    assert_eq!(m("6.25"), Ok(375));
}

#[test]
fn button_values_only_as_our_buttons_write_them_and_notes_need_something_visible() {
    assert!(Answer::from_button(Step::Mood, "5").is_ok());
    assert!(Answer::from_button(Step::Mood, "0").is_ok());
    assert_eq!(
        Answer::from_button(Step::Mood, "05"),
        Err(AnswerError::NotANumber)
    );
    assert_eq!(
        Answer::from_button(Step::SleepHours, "007"),
        Err(AnswerError::NotANumber)
    );
    for blank in [
        "\u{200B}",
        "\u{200B}\u{200D} \u{FEFF}",
        "\u{2060}\u{00AD}",
        "\u{3164}",
    ] {
        assert_eq!(Note::parse(blank), Err(AnswerError::EmptyNote), "{blank:?}");
    }
    assert!(Note::parse("ok\u{200B}").is_ok());
}

#[test]
fn sleep_hours_label_is_short() {
    assert_eq!(SleepDuration::from_minutes(420).unwrap().hours_label(), "7");
    assert_eq!(
        SleepDuration::from_minutes(450).unwrap().hours_label(),
        "7.5"
    );
    assert_eq!(SleepDuration::from_minutes(0).unwrap().hours_label(), "0");
}

#[test]
fn button_values_are_strict() {
    assert_eq!(
        Answer::from_button(Step::Mood, "7"),
        Ok(Answer::Mood(Score::new(7).unwrap()))
    );
    assert!(Answer::from_button(Step::Mood, "11").is_err());
    assert!(Answer::from_button(Step::Mood, "+7").is_err());
    assert!(Answer::from_button(Step::Mood, " 7").is_err());
    assert!(Answer::from_button(Step::Mood, "99999999999").is_err());
    assert!(Answer::from_button(Step::Mood, "").is_err());
    assert_eq!(
        Answer::from_button(Step::SleepHours, "14"),
        Ok(Answer::SleepHours(
            SleepDuration::from_minutes(840).unwrap()
        ))
    );
    assert!(Answer::from_button(Step::SleepHours, "15").is_err());
    assert_eq!(
        Answer::from_button(Step::Used, "skip"),
        Ok(Answer::Used(UseAnswer::PreferNotToSay))
    );
    assert!(Answer::from_button(Step::Used, "maybe").is_err());
    assert_eq!(
        Answer::from_button(Step::Note, "skip"),
        Ok(Answer::Note(None))
    );
    assert!(Answer::from_button(Step::Note, "hello").is_err());
}

#[test]
fn notes_are_trimmed_and_bounded() {
    assert_eq!(Note::parse("  tired  ").unwrap().as_str(), "tired");
    assert_eq!(Note::parse("   "), Err(AnswerError::EmptyNote));
    let long = "é".repeat(NOTE_MAX_CHARS);
    assert!(
        Note::parse(&long).is_ok(),
        "the limit counts characters, not bytes"
    );
    let too_long = "a".repeat(NOTE_MAX_CHARS + 1);
    assert_eq!(
        Note::parse(&too_long),
        Err(AnswerError::NoteTooLong {
            chars: NOTE_MAX_CHARS + 1
        })
    );
}

#[test]
fn typed_use_answer_accepts_yes_and_no_only() {
    assert_eq!(
        Answer::from_text(Step::Used, "Yes"),
        Ok(Answer::Used(UseAnswer::Yes))
    );
    assert_eq!(
        Answer::from_text(Step::Used, " no "),
        Ok(Answer::Used(UseAnswer::No))
    );
    assert_eq!(
        Answer::from_text(Step::Used, "dunno"),
        Err(AnswerError::UnknownChoice)
    );
}
