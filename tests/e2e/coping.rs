//! Coping suggestions after a check-in, as a patient sees them: the suggestion fits the answers,
//! "not for me" changes what comes next, a reported use gets support and a plan.

use crate::support::*;
use fake_telegram::ChatMessage;
use recovery_checkin_bot::content::Content;
use recovery_checkin_bot::domain::coping::Need;

pub fn content() -> Content {
    Content::load(&shipped_prompts()).expect("the shipped prompts load")
}

/// The suggestion (its library key) whose text in `lang` appears in `text`, if any, and only
/// among those serving `need`.
pub fn suggestion_in(content: &Content, need: Need, lang: &str, text: &str) -> Option<String> {
    content
        .library
        .pool(need)
        .into_iter()
        .find(|k| text.contains(content.library.text(k, lang).unwrap()))
        .map(str::to_string)
}

pub const MORE: &str = "💡 Another idea";
pub const HELPFUL: &str = "👍 Helpful";
pub const NOT_FOR_ME: &str = "👎 Not for me";
pub const SOS: &str = "🌊 Urge SOS";

/// Runs a full check-in with these button labels (mood, sleep, quality, urge, used), skips
/// the note, and returns the suggestion that follows.
pub async fn checkin_with(h: &Harness, user: i64, labels: [&str; 5], needle: &str) -> ChatMessage {
    let m = h.say(user, "/checkin").await;
    for label in labels {
        h.answer(user, m.message_id, label).await;
    }
    let before = h.count(user);
    h.tap(user, m.message_id, "Skip").await;
    h.next_message_with(user, before, needle).await
}

const HIGH_CRAVING: [&str; 5] = ["6", "7", "7", "9", "No"];

#[tokio::test]
async fn a_strong_craving_gets_a_craving_suggestion_with_its_buttons() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let s = checkin_with(&h, ALICE, HIGH_CRAVING, "Something to try right now").await;
    let c = content();
    let key = suggestion_in(&c, Need::Craving, "en", &s.text)
        .unwrap_or_else(|| panic!("not a craving suggestion: {}", s.text));
    for b in [MORE, HELPFUL, NOT_FOR_ME, SOS, CRISIS_BUTTON] {
        assert!(s.has_button(b), "{b} missing from {s:#?}");
    }
    let db = h.db().await;
    let (need, stored): (String, String) =
        recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_as(
            "SELECT need, key FROM suggestions_shown ORDER BY id DESC LIMIT 1"
        )
        .fetch_one(c)
        .await)
        .unwrap();
    assert_eq!((need.as_str(), stored.as_str()), ("craving", key.as_str()));

    // "Helpful": thanked, and the rating buttons go.
    let toast = h.tap(ALICE, s.message_id, HELPFUL).await.unwrap();
    assert!(toast.contains("suggest it more often"), "{toast}");
    let after = h
        .fake
        .wait_for("rating buttons removed", |st| {
            st.message(ALICE, s.message_id)
                .filter(|m| !m.has_button(HELPFUL))
                .cloned()
        })
        .await;
    assert!(after.has_button(MORE) && after.has_button(CRISIS_BUTTON));
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM suggestions_shown WHERE feedback = 'helpful' AND patient_id = $1",
            1
        )
        .await,
        Some(1)
    );
}

#[tokio::test]
async fn not_for_me_swaps_the_idea_and_keeps_it_back_afterwards() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let c = content();
    let s = checkin_with(&h, ALICE, HIGH_CRAVING, "Something to try right now").await;
    let disliked = suggestion_in(&c, Need::Craving, "en", &s.text).unwrap();

    let toast = h.tap(ALICE, s.message_id, NOT_FOR_ME).await.unwrap();
    assert!(toast.contains("suggest that one less"), "{toast}");
    let swapped = h.wait_text(ALICE, s.message_id, "Another idea:").await;
    let replacement = suggestion_in(&c, Need::Craving, "en", &swapped.text).unwrap();
    assert_ne!(replacement, disliked);
    assert!(swapped.has_button(NOT_FOR_ME), "the new idea can be rated");

    // "Another idea" never offers one already shown for this check-in.
    let mut seen = vec![disliked.clone(), replacement];
    for _ in 0..3 {
        let edits = h.fake.message(ALICE, s.message_id).unwrap().edits;
        h.tap(ALICE, s.message_id, MORE).await;
        let m = h
            .fake
            .wait_for("another idea", |st| {
                st.message(ALICE, s.message_id)
                    .filter(|m| m.edits > edits)
                    .cloned()
            })
            .await;
        let k = suggestion_in(&c, Need::Craving, "en", &m.text).unwrap();
        assert!(!seen.contains(&k), "{k} offered twice in {seen:?}");
        seen.push(k);
    }

    // The next strong cravings: the idea marked "not for me" does not come back while others
    // are left, and nothing repeats within the last few.
    let mut later = Vec::new();
    for _ in 0..4 {
        let s = checkin_with(&h, ALICE, HIGH_CRAVING, "Something to try right now").await;
        later.push(suggestion_in(&c, Need::Craving, "en", &s.text).unwrap());
    }
    assert!(
        !later.contains(&disliked),
        "{disliked} came back: {later:?}"
    );
    let mut unique = later.clone();
    unique.sort();
    unique.dedup();
    if unique.len() != later.len() {
        let db = h.db().await;
        let shown: Vec<(i64, Option<i64>, String, String)> =
            recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_as(
                "SELECT id, checkin_id, need, key FROM suggestions_shown ORDER BY id"
            )
            .fetch_all(c)
            .await)
            .unwrap();
        let texts: Vec<String> = h
            .fake
            .bot_messages(ALICE)
            .iter()
            .map(|m| format!("#{} {}", m.message_id, m.text.lines().next().unwrap_or("")))
            .collect();
        panic!("repeated: {later:?}\nshown: {shown:#?}\nmessages: {texts:#?}");
    }
}

#[tokio::test]
async fn a_reported_use_gets_support_a_plan_and_no_shame() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    // A use, a strong urge, low mood and a short night: the use is answered first.
    let s = checkin_with(
        &h,
        ALICE,
        ["2", "4", "2", "9", "Yes"],
        "Thank you for telling me",
    )
    .await;
    let c = content();
    assert!(
        suggestion_in(&c, Need::Lapse, "en", &s.text).is_some(),
        "no lapse plan in: {}",
        s.text
    );
    assert!(s.text.contains("does not erase the progress"), "{}", s.text);
    assert!(
        s.text.contains("A plan for the next few hours"),
        "{}",
        s.text
    );
    assert!(
        s.text
            .contains("tell your support person or someone you trust"),
        "{}",
        s.text
    );
    // What to do if the body is in danger, with the deployment's emergency number.
    assert!(
        s.text.contains("chest pain") && s.text.contains("call 911"),
        "{}",
        s.text
    );
    for word in [
        "relapse",
        "failure",
        "failed",
        "should have",
        "disappoint",
        "clean",
        "dirty",
        "addict",
    ] {
        assert!(
            !s.text.to_lowercase().contains(word),
            "no shaming: {word} in {}",
            s.text
        );
    }
    assert!(s.has_button(SOS) && s.has_button(CRISIS_BUTTON));
    // The summary above it keeps the crisis button too.
    let summary = h
        .fake
        .bot_messages(ALICE)
        .into_iter()
        .rev()
        .find(|m| m.text.contains("Thank you for checking in"))
        .unwrap();
    assert!(summary.has_button(CRISIS_BUTTON) && summary.has_button(SOS));
}

#[tokio::test]
async fn mood_at_zero_opens_the_crisis_screen_at_once_and_the_checkin_can_be_finished_after() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let m = h.say(ALICE, "/checkin").await;
    let before = h.count(ALICE);
    h.tap(ALICE, m.message_id, "0").await;
    // The screen comes at once, not after five more questions.
    let s = h
        .next_message_with(ALICE, before, "wished you were dead")
        .await;
    assert!(s.text.contains("I'm a bot"), "{}", s.text);
    assert!(s.has_button("Yes") && s.has_button("No"), "{s:#?}");
    assert!(
        s.buttons().any(|b| b.url.is_some()),
        "one tap to the crisis line: {s:#?}"
    );
    // The check-in waits, with what was answered kept and a way to go on.
    let paused = h.wait_text(ALICE, m.message_id, "paused").await;
    assert!(
        !paused.text.contains("hours"),
        "no next question yet: {}",
        paused.text
    );
    // A number typed while the screen waits is not taken as hours of sleep.
    let hint = h.say(ALICE, "7").await;
    assert!(hint.text.contains("Yes or No"), "{}", hint.text);
    assert_eq!(
        h.scalar_i64(
            "SELECT sleep_minutes FROM checkins WHERE patient_id = $1",
            1
        )
        .await,
        None
    );
    for next in ["actual thoughts", "prepared to do anything"] {
        h.tap(ALICE, s.message_id, "No").await;
        h.wait_text(ALICE, s.message_id, next).await;
    }
    h.tap(ALICE, s.message_id, "No").await;
    let done = h
        .next_message_with(ALICE, before + 1, "glad you're safe")
        .await;
    assert!(done.has_button("Go on with my check-in"), "{done:#?}");
    let n = h.count(ALICE);
    h.tap(ALICE, done.message_id, "Go on with my check-in")
        .await;
    let next = h.next_message_with(ALICE, n, "hours").await;
    for label in ["7", "7", "2", "No"] {
        h.answer(ALICE, next.message_id, label).await;
    }
    let n = h.count(ALICE);
    h.tap(ALICE, next.message_id, "Skip").await;
    // The end of the check-in answers a very low mood; the screen is not asked again.
    let after = h.next_message_with(ALICE, n, "").await;
    assert!(
        !after.text.contains("wished you were dead"),
        "{}",
        after.text
    );
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM crisis_screens WHERE patient_id = $1",
            1
        )
        .await,
        Some(1)
    );
    assert_eq!(
        h.scalar_i64("SELECT mood FROM checkins WHERE patient_id = $1", 1)
            .await,
        Some(0)
    );
}

#[tokio::test]
async fn a_good_day_is_celebrated_with_the_streak() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    let fine = ["7", "7", "8", "1", "No"];
    let s = checkin_with(&h, ALICE, fine, "Well done for checking in today").await;
    assert!(
        suggestion_in(&content(), Need::Reinforce, "en", &s.text).is_some(),
        "{}",
        s.text
    );
    // The next day (10:00 in New York), and the one after.
    h.at(2026, 3, 3, 15, 0).await;
    checkin_with(&h, ALICE, fine, "2 days in a row").await;
    h.at(2026, 3, 4, 15, 0).await;
    checkin_with(&h, ALICE, fine, "3 days in a row").await;
    // A day missed starts again.
    h.at(2026, 3, 6, 15, 0).await;
    checkin_with(&h, ALICE, fine, "Well done for checking in today").await;
}

#[tokio::test]
async fn suggestion_buttons_of_someone_else_do_nothing() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    h.enroll(BOB).await;
    let s = checkin_with(&h, ALICE, HIGH_CRAVING, "Something to try right now").await;
    let data = s.button(NOT_FOR_ME).unwrap().callback_data.clone().unwrap();
    let hint = h.say(BOB, "hello").await;
    // Bob forges Alice's button on one of his own messages.
    let toast = h.tap_data(BOB, hint.message_id, &data).await.unwrap();
    assert!(toast.contains("no longer here"), "{toast}");
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM suggestions_shown WHERE feedback IS NOT NULL AND id > $1",
            0
        )
        .await,
        Some(0)
    );
    let toast = h
        .tap_data(ALICE, s.message_id, "sg:999999:more")
        .await
        .unwrap();
    assert!(toast.contains("no longer here"), "{toast}");
}
