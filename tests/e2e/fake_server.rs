//! The fake Bot API itself behaves like Telegram where the bot depends on it.

use crate::support::*;
use fake_telegram::{FakeTelegram, Fault};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn post(fake: &FakeTelegram, method: &str, content_type: &str, body: String) -> (u16, Value) {
    let url = format!("{}bot{}/{}", fake.api_url(), fake.token(), method);
    let r = reqwest::Client::new()
        .post(url)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn json_call(fake: &FakeTelegram, method: &str, body: Value) -> (u16, Value) {
    post(fake, method, "application/json", body.to_string()).await
}

#[tokio::test]
async fn method_names_are_case_insensitive_and_bodies_may_be_form_or_multipart() {
    let fake = FakeTelegram::start().await;
    fake.add_user(ALICE, "Alice", None);
    let (s, v) = json_call(&fake, "GETME", json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(v["result"]["has_main_web_app"], json!(false));
    let (s, _) = post(
        &fake,
        "sendMessage",
        "application/x-www-form-urlencoded",
        format!("chat_id={ALICE}&text=hello+there%21"),
    )
    .await;
    assert_eq!(s, 200);
    let boundary = "XyZ";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n{ALICE}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nfrom multipart\r\n--{boundary}--\r\n"
    );
    let (s, v) = post(
        &fake,
        "sendmessage",
        &format!("multipart/form-data; boundary={boundary}"),
        body,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let texts: Vec<String> = fake
        .bot_messages(ALICE)
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(texts, ["hello there!", "from multipart"]);

    // Wrong token and unknown method answer with Telegram's envelope.
    let url = format!("{}botWRONG/getMe", fake.api_url());
    let r = reqwest::Client::new().post(url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let (s, v) = json_call(&fake, "noSuchMethod", json!({})).await;
    assert_eq!(
        (s, v["ok"].clone(), v["description"].clone()),
        (404, json!(false), json!("Not Found"))
    );
}

#[tokio::test]
async fn telegram_limits_and_errors_have_telegrams_descriptions() {
    let fake = FakeTelegram::start().await;
    fake.add_user(ALICE, "Alice", None);
    let cases = [
        (
            json!({"chat_id": 42, "text": "x"}),
            400,
            "Bad Request: chat not found",
        ),
        (
            json!({"chat_id": ALICE, "text": "x".repeat(4097)}),
            400,
            "Bad Request: message is too long",
        ),
        (
            json!({"chat_id": ALICE, "text": ""}),
            400,
            "Bad Request: message text is empty",
        ),
        (
            json!({"chat_id": ALICE, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "d".repeat(65)}]]}}),
            400,
            "Bad Request: BUTTON_DATA_INVALID",
        ),
    ];
    for (body, status, description) in cases {
        let (s, v) = json_call(&fake, "sendMessage", body).await;
        assert_eq!(
            (s, v["description"].as_str().unwrap()),
            (status, description)
        );
        assert_eq!(v["error_code"], json!(status));
    }
    fake.fail_next(Some("sendMessage"), Fault::RetryAfter(7), 1);
    let (s, v) = json_call(&fake, "sendMessage", json!({"chat_id": ALICE, "text": "x"})).await;
    assert_eq!(s, 429);
    assert_eq!(v["parameters"]["retry_after"], json!(7));
    assert_eq!(v["description"], json!("Too Many Requests: retry after 7"));
    fake.block_bot(ALICE, true);
    let (s, v) = json_call(&fake, "sendMessage", json!({"chat_id": ALICE, "text": "x"})).await;
    assert_eq!(
        (s, v["description"].as_str().unwrap()),
        (403, "Forbidden: bot was blocked by the user")
    );

    // Editing to the same content is refused, as on Telegram.
    fake.block_bot(ALICE, false);
    let (_, v) = json_call(
        &fake,
        "sendMessage",
        json!({"chat_id": ALICE, "text": "same"}),
    )
    .await;
    let id = v["result"]["message_id"].clone();
    let (s, v) = json_call(
        &fake,
        "editMessageText",
        json!({"chat_id": ALICE, "message_id": id, "text": "same"}),
    )
    .await;
    assert_eq!(s, 400);
    assert!(v["description"]
        .as_str()
        .unwrap()
        .starts_with("Bad Request: message is not modified"));
}

#[tokio::test]
async fn get_updates_confirms_by_offset_and_long_polls() {
    let fake = FakeTelegram::start().await;
    fake.add_user(ALICE, "Alice", None);
    let a = fake.user_sends(ALICE, "one");
    let b = fake.user_sends(ALICE, "two");
    let (_, v) = json_call(&fake, "getUpdates", json!({})).await;
    assert_eq!(v["result"].as_array().unwrap().len(), 2);
    // Without a higher offset nothing is confirmed: the same updates come again.
    let (_, v) = json_call(&fake, "getUpdates", json!({"offset": a})).await;
    assert_eq!(v["result"][0]["update_id"], json!(a));
    // offset = b confirms a only.
    let (_, v) = json_call(&fake, "getUpdates", json!({"offset": b})).await;
    assert_eq!(v["result"].as_array().unwrap().len(), 1);
    assert_eq!(v["result"][0]["update_id"], json!(b));
    assert_eq!(v["result"][0]["message"]["text"], json!("two"));

    // A long poll returns as soon as an update arrives.
    let started = Instant::now();
    let poll = json_call(&fake, "getUpdates", json!({"offset": b + 1, "timeout": 30}));
    let send = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        fake.user_sends(ALICE, "three")
    };
    let ((_, v), c) = tokio::join!(poll, send);
    assert_eq!(v["result"][0]["update_id"], json!(c));
    assert!(started.elapsed() < Duration::from_secs(10));

    // A second poller makes Telegram end the first with 409 Conflict.
    let first = json_call(&fake, "getUpdates", json!({"offset": c + 1, "timeout": 30}));
    let second = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        json_call(&fake, "getUpdates", json!({"offset": c + 1, "timeout": 0})).await
    };
    let ((s1, v1), (s2, _)) = tokio::join!(first, second);
    assert_eq!((s1, s2), (409, 200));
    assert!(v1["description"]
        .as_str()
        .unwrap()
        .starts_with("Conflict: terminated by other getUpdates request"));
}

#[tokio::test]
async fn a_blocked_or_slow_chat_does_not_hold_up_anyone_else() {
    let h = Harness::start().await;
    // Alice blocked the bot: her reply fails with 403; the bot carries on.
    h.fake.block_bot(ALICE, true);
    h.fake.user_sends(ALICE, "/help");
    let reply = h.say(BOB, "/help").await;
    assert!(reply.text.contains("/checkin"));
    h.fake
        .wait_for("403 for Alice", |s| {
            s.requests.iter().any(|r| r.status == 403).then_some(())
        })
        .await;

    // Alice's replies are slow; Bob's are not held behind them.
    h.fake.block_bot(ALICE, false);
    h.fake
        .fail_next(Some("sendMessage"), Fault::Delay(Duration::from_secs(3)), 1);
    let started = Instant::now();
    h.fake.user_sends(ALICE, "/crisis");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let reply = h.say(BOB, "/crisis").await;
    assert!(reply.text.contains("988"));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "Bob waited for Alice: {:?}",
        started.elapsed()
    );
    let alice = h.fake.wait_for_bot_message(ALICE, 1).await;
    assert!(alice.text.contains("988"));
}

/// Uploads through the real teloxide client: a document and a photo are kept with their bytes,
/// name and `protect_content`, and answered as Telegram does; over the limits, or a photo that
/// is not an image, refused as Telegram refuses them.
#[tokio::test]
async fn documents_and_photos_are_uploaded_like_on_telegram_with_its_limits() {
    use teloxide::prelude::*;
    use teloxide::types::InputFile;
    let fake = FakeTelegram::start().await;
    fake.add_user(ALICE, "Alice", None);
    let bot = Bot::new(fake.token()).set_api_url(fake.api_url().parse().unwrap());
    let csv = b"date,mood\n2026-03-02,6\n".to_vec();
    let sent = bot
        .send_document(
            ChatId(ALICE),
            InputFile::memory(csv.clone()).file_name("mine.csv"),
        )
        .caption("Your check-ins")
        .protect_content(true)
        .await
        .unwrap();
    assert_eq!(
        sent.document().unwrap().file_name.as_deref(),
        Some("mine.csv")
    );
    assert_eq!(sent.caption(), Some("Your check-ins"));
    let m = fake.bot_messages(ALICE).last().unwrap().clone();
    let a = m.attachment.expect("the document is kept");
    assert_eq!(
        (a.kind, a.file_name.as_str(), a.protected),
        ("document", "mine.csv", true)
    );
    assert_eq!(a.bytes, csv);
    assert_eq!(m.text, "Your check-ins");

    let png = b"\x89PNG\r\n\x1a\n0000".to_vec();
    let photo = bot
        .send_photo(ChatId(ALICE), InputFile::memory(png).file_name("chart.png"))
        .await
        .unwrap();
    assert!(photo.photo().is_some_and(|p| !p.is_empty()));

    let not_an_image = bot
        .send_photo(
            ChatId(ALICE),
            InputFile::memory(b"hello".to_vec()).file_name("x.png"),
        )
        .await;
    assert!(
        matches!(
            not_an_image,
            Err(teloxide::RequestError::Api(
                teloxide::ApiError::ImageProcessFailed
            ))
        ),
        "a photo must be an image: {not_an_image:?}"
    );
    let big = vec![b'x'; 51 * 1024 * 1024];
    let too_big = bot
        .send_document(ChatId(ALICE), InputFile::memory(big).file_name("big.bin"))
        .await;
    assert!(
        matches!(
            too_big,
            Err(teloxide::RequestError::Api(
                teloxide::ApiError::RequestEntityTooLarge
            ))
        ),
        "50 MB at most: {too_big:?}"
    );
    assert_eq!(
        fake.bot_messages(ALICE).len(),
        2,
        "nothing kept from a refused upload"
    );
}
