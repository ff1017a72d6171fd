//! `/export`: the patient's data as files, asked first (issue 15).

use crate::support::*;
use serde_json::Value;

/// A small RFC 4180 reader: quoted fields may hold commas, quotes and line breaks.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

/// Every value under `v` for the key `key`, anywhere in the document.
fn all_values<'a>(v: &'a Value, key: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == key {
                    out.push(x);
                }
                all_values(x, key, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| all_values(x, key, out)),
        _ => {}
    }
}

#[tokio::test]
async fn export_sends_a_csv_that_round_trips_and_a_json_of_everything_and_nobody_elses() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    h.enroll(BOB).await;
    h.checkin_noting(BOB, ["2", "3", "2", "8", "Yes"], "bob's private words")
        .await;
    h.checkin_noting(
        ALICE,
        ["6", "7", "3", "2", "No"],
        "=SUM(A1) and, \"quotes\"",
    )
    .await;
    h.checkin_noting(
        ALICE,
        ["4", "5", "6", "7", "Prefer not to say"],
        "a calm day",
    )
    .await;

    let ask = h.say(ALICE, "/export").await;
    assert!(
        ask.text.contains("Telegram stores files like any message"),
        "{}",
        ask.text
    );
    assert!(ask.has_button(CRISIS_BUTTON));
    let before = h.count(ALICE);
    h.tap(ALICE, ask.message_id, "Yes, send my files").await;
    h.next_message_with(ALICE, before, "Everything I stored about you")
        .await;
    let files: Vec<_> = h
        .fake
        .bot_messages(ALICE)
        .into_iter()
        .filter_map(|m| m.attachment)
        .collect();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].file_name, "check-ins.csv");
    assert_eq!(files[1].file_name, "my-data.json");

    let csv = parse_csv(std::str::from_utf8(&files[0].bytes).unwrap());
    assert_eq!(csv[0][0], "local_date");
    assert_eq!(csv.len(), 3, "a header and Alice's two check-ins: {csv:?}");
    let col = |name: &str| csv[0].iter().position(|c| c == name).unwrap();
    assert_eq!(csv[1][col("mood")], "6");
    assert_eq!(csv[1][col("sleep_hours")], "7");
    assert_eq!(csv[1][col("used")], "no");
    assert_eq!(csv[2][col("used")], "prefer not to say");
    // The formula is kept as text, with its apostrophe; the commas and quotes round-trip.
    assert_eq!(csv[1][col("note")], "'=SUM(A1) and, \"quotes\"");
    assert_eq!(csv[1][col("time_zone")], "America/New_York");
    assert_eq!(csv[1][col("local_date")], "2026-03-02");
    assert!(!String::from_utf8_lossy(&files[0].bytes).contains("bob's"));

    let json: Value = serde_json::from_slice(&files[1].bytes).unwrap();
    assert_eq!(
        json["patient"]["telegram_user_id"],
        serde_json::json!(ALICE)
    );
    let alice_id = json["patient"]["id"].clone();
    let mut ids = Vec::new();
    all_values(&json, "patient_id", &mut ids);
    assert!(!ids.is_empty());
    assert!(
        ids.iter().all(|id| **id == alice_id),
        "only Alice's rows: {ids:?}"
    );
    assert_eq!(json["tables"]["checkins"].as_array().unwrap().len(), 2);
    assert_eq!(json["tables"]["slots"].as_array().unwrap().len(), 2);
    assert!(json["tables"]["milestones"].as_array().is_some());
    let text = String::from_utf8_lossy(&files[1].bytes);
    assert!(!text.contains("bob's private words"));
    assert!(!text.contains("token_hash"));
}

#[tokio::test]
async fn delete_offers_the_export_first_and_not_now_sends_nothing() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let ask = h.say(ALICE, "/delete").await;
    let before = h.count(ALICE);
    h.tap(ALICE, ask.message_id, "📦 Get my data first").await;
    let export = h.next_message_with(ALICE, before, "Send them now?").await;
    h.tap(ALICE, export.message_id, "Not now").await;
    let nothing = h.next_message_with(ALICE, before, "Nothing was sent").await;
    assert!(nothing.has_button(CRISIS_BUTTON), "{nothing:#?}");
    assert!(h
        .fake
        .bot_messages(ALICE)
        .iter()
        .all(|m| m.attachment.is_none()));
    // In Spanish.
    h.say(ALICE, "/language es").await;
    let es = h.say(ALICE, "/exportar").await;
    assert!(es.text.contains("¿Te los envío ahora?"), "{}", es.text);
}
