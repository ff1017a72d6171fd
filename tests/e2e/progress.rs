//! Use-free days and milestones, as a patient sees them (issue 15).

use crate::coping::checkin_with;
use crate::support::*;

const SINCE: &str = "since the last use you told me about";

/// One check-in a day (the clock moves a day at a time), answering "did you use?".
async fn day(h: &Harness, used: &str) {
    checkin_with(h, ALICE, ["6", "7", "3", "2", used], "").await;
    h.drain_outbox().await;
    h.clock.advance(chrono::Duration::days(1));
}

#[tokio::test]
async fn a_lapse_on_day_nine_leaves_eight_of_the_last_nine_and_each_milestone_comes_once() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    for _ in 0..8 {
        day(&h, "No").await;
    }
    // Milestones at 1, 3 and 7 days, once each.
    let notes: Vec<String> = h
        .fake
        .bot_messages(ALICE)
        .into_iter()
        .filter(|m| m.text.contains(SINCE) && m.text.starts_with('🌱'))
        .map(|m| m.text)
        .collect();
    assert_eq!(notes.len(), 3, "{notes:#?}");
    assert!(
        notes[0].contains("1 day since") && notes[0].contains("first day"),
        "{}",
        notes[0]
    );
    assert!(notes[1].contains("3 days since"), "{}", notes[1]);
    assert!(notes[2].contains("A whole week"), "{}", notes[2]);

    // Day 9: a lapse.
    day(&h, "Yes").await;
    h.clock.advance(chrono::Duration::days(-1));
    let p = h.say(ALICE, "/progress").await;
    assert!(
        p.text.contains("Use-free: 8 of the last 9 days"),
        "{}",
        p.text
    );
    assert!(
        p.text.contains("Your longest stretch so far: 8 days"),
        "{}",
        p.text
    );
    assert!(p.text.contains("still counts"), "{}", p.text);
    assert!(
        p.text.contains("\"Prefer not to say\" counts as neither"),
        "{}",
        p.text
    );
    assert!(
        !p.text.contains(" 0 days"),
        "never a zeroed counter: {}",
        p.text
    );
    assert!(p.has_button(CRISIS_BUTTON), "{p:#?}");

    // The next use-free day starts a new stretch; the 1-day milestone is not sent again.
    h.clock.advance(chrono::Duration::days(1));
    day(&h, "No").await;
    h.clock.advance(chrono::Duration::days(-1));
    let p = h.say(ALICE, "/stats").await;
    assert!(
        p.text.contains("Use-free: 9 of the last 10 days"),
        "{}",
        p.text
    );
    assert!(p.text.contains("• 1 day since the last use"), "{}", p.text);
    let notes = h.count_with(ALICE, "That first day is a real step");
    assert_eq!(notes, 1, "each milestone once");
}

#[tokio::test]
async fn milestone_notes_can_be_turned_off_and_prefer_not_to_say_is_neither() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    day(&h, "No").await;
    let note = h
        .fake
        .bot_messages(ALICE)
        .into_iter()
        .find(|m| m.text.contains("1 day since"))
        .expect("the first milestone");
    let toast = h.tap(ALICE, note.message_id, "No milestone notes").await;
    assert_eq!(toast.as_deref(), Some("Got it: no more milestone notes."));
    let db = h.db().await;
    let off: i64 = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT milestones_off FROM patients"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    assert_eq!(off, 1);
    day(&h, "Prefer not to say").await;
    day(&h, "No").await;
    // Day 3 of the stretch (the unsaid day does not break it): no note, as asked.
    assert_eq!(h.count_with(ALICE, SINCE), 1);
    h.clock.advance(chrono::Duration::days(-1));
    let p = h.say(ALICE, "/progress").await;
    assert!(
        p.text.contains("Use-free: 2 of the last 3 days"),
        "{}",
        p.text
    );
    assert!(
        p.text.contains("Days you preferred not to say: 1"),
        "{}",
        p.text
    );
    assert!(p.text.contains("Milestone notes are off"), "{}", p.text);
    // And on again from /progress.
    h.tap(ALICE, p.message_id, "Send milestone notes").await;
    let on: i64 = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT milestones_off FROM patients"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    assert_eq!(on, 0);
    db.close().await;
}

#[tokio::test]
async fn progress_in_spanish_and_for_someone_not_enrolled() {
    let h = Harness::start().await;
    let stranger = h.say(BOB, "/progress").await;
    assert!(!stranger.text.contains("Use-free"), "{}", stranger.text);
    h.enroll(ALICE).await;
    let none = h.say(ALICE, "/progress").await;
    assert!(
        none.text.contains("No answers about use yet"),
        "{}",
        none.text
    );
    h.say(ALICE, "/language es").await;
    let p = h.say(ALICE, "/progreso").await;
    assert!(p.text.contains("Todavía no tengo respuestas"), "{}", p.text);
}

/// A check-in at the bottom of the mood scale opens the crisis screen; no cheerful milestone
/// note follows it. The milestone comes with the next check-in, with the real count.
#[tokio::test]
async fn no_milestone_note_after_a_check_in_that_opened_the_crisis_screen() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let m = h.say(ALICE, "/checkin").await;
    let before = h.count(ALICE);
    h.tap(ALICE, m.message_id, "0").await;
    let s = h
        .next_message_with(ALICE, before, "wished you were dead")
        .await;
    for next in ["actual thoughts", "prepared to do anything"] {
        h.tap(ALICE, s.message_id, "No").await;
        h.wait_text(ALICE, s.message_id, next).await;
    }
    h.tap(ALICE, s.message_id, "No").await;
    let done = h
        .next_message_with(ALICE, before + 1, "glad you're safe")
        .await;
    let n = h.count(ALICE);
    h.tap(ALICE, done.message_id, "Go on with my check-in")
        .await;
    let m = h.next_message_with(ALICE, n, "hours did you sleep").await;
    for label in ["7", "3", "2", "No"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    h.tap(ALICE, m.message_id, "Skip").await;
    h.drain_outbox().await;
    assert_eq!(
        h.count_with(ALICE, SINCE),
        0,
        "no note after the crisis screen"
    );
    h.clock.advance(chrono::Duration::days(1));
    day(&h, "No").await;
    let note = h.count_with(ALICE, "2 days since the last use you told me about");
    assert_eq!(note, 1, "the next check-in brings it, with the real count");
}
