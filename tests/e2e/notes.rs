//! `/notes`: a patient re-reads and deletes their own notes (issue 15).

use crate::support::*;

const CALM: [&str; 5] = ["6", "7", "3", "2", "No"];

#[tokio::test]
async fn notes_newest_first_paged_and_each_can_be_deleted_after_asking() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    for note in [
        "first walk",
        "called my sister",
        "rough night",
        "gym with Tom",
    ] {
        h.checkin_noting(ALICE, CALM, note).await;
    }
    let page = h.say(ALICE, "/notes").await;
    let t = &page.text;
    assert!(t.contains("(1–3 of 4)"), "{t}");
    let (a, b, c) = (
        t.find("gym with Tom").unwrap(),
        t.find("rough night").unwrap(),
        t.find("called my sister").unwrap(),
    );
    assert!(a < b && b < c, "newest first: {t}");
    assert!(!t.contains("first walk"), "{t}");
    // Local time of the patient (New York): the first check-in was at 08:00 there.
    assert!(page.has_button(CRISIS_BUTTON));

    h.tap(ALICE, page.message_id, "Older ▶").await;
    let older = h.wait_text(ALICE, page.message_id, "first walk").await;
    assert!(older.text.contains("(4–4 of 4)"), "{}", older.text);
    assert!(older.text.contains("2026-03-02 08:"), "{}", older.text);
    assert!(older.has_button("◀ Newer"));

    // Delete note 4: asked first, then gone; the check-in's answers stay.
    h.tap(ALICE, page.message_id, "🗑 4").await;
    let ask = h
        .wait_text(ALICE, page.message_id, "Delete this note?")
        .await;
    assert!(ask.text.contains("first walk"), "{}", ask.text);
    let toast = h.tap(ALICE, page.message_id, "Yes, delete it").await;
    assert_eq!(toast.as_deref(), Some("Note deleted."));
    let after = h.wait_text(ALICE, page.message_id, "(1–3 of 3)").await;
    assert!(!after.text.contains("first walk"), "{}", after.text);
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM checkins WHERE mood = $1", 6)
            .await,
        Some(4),
        "only the note went"
    );
}

/// Someone else's note, by forged button data: refused, nothing deleted.
#[tokio::test]
async fn a_forged_delete_of_someone_elses_note_changes_nothing() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    h.checkin_noting(ALICE, CALM, "my own words").await;
    h.enroll(BOB).await;
    let page = h.say(BOB, "/notes").await;
    assert!(
        page.text.contains("You haven't written any notes yet"),
        "{}",
        page.text
    );
    for data in ["nt:d:1", "nt:x:1"] {
        let toast = h.tap_data(BOB, page.message_id, data).await;
        assert_eq!(toast.as_deref(), Some("That note is no longer there."));
    }
    let db = h.db().await;
    let note: Option<String> = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT note FROM checkins WHERE id = 1"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    assert_eq!(note.as_deref(), Some("my own words"));
    db.close().await;
    // In Spanish too.
    h.say(ALICE, "/language es").await;
    let notas = h.say(ALICE, "/notas").await;
    assert!(
        notas.text.contains("Solo tú puedes verlas"),
        "{}",
        notas.text
    );
    assert!(notas.text.contains("my own words"), "{}", notas.text);
}
