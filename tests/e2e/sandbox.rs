//! The sandbox (issue 16): the shipped scripts replay against the real bot in both languages,
//! and the web page works through its own HTTP routes as a person clicking it would.

use recovery_checkin_bot::sandbox::{self, Options, Sandbox};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn options() -> Options {
    Options {
        database: None,
        prompts_dir: repo().join("prompts"),
        port: 0,
        script: None,
        start: None,
    }
}

/// Replays a shipped script; panics with the transcript if a step could not be done.
async fn replay(lang: &str, name: &str) -> String {
    let file = repo()
        .join("tests/sandbox")
        .join(lang)
        .join(format!("{name}.txt"));
    let steps = sandbox::parse_script(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let s = Sandbox::start(&Options {
        start: sandbox::start_of(&steps),
        ..options()
    })
    .await
    .unwrap();
    let t = sandbox::replay(&s, &steps).await;
    assert!(
        t.error.is_none(),
        "{}: {:?}\n{}",
        file.display(),
        t.error,
        t.text
    );
    t.text
}

#[tokio::test]
async fn the_main_flows_are_scripted_in_both_languages() {
    let dir = repo().join("tests/sandbox");
    for lang in ["en", "es"] {
        let mut names: Vec<String> = std::fs::read_dir(dir.join(lang))
            .unwrap()
            .map(|e| {
                e.unwrap()
                    .path()
                    .file_stem()
                    .unwrap()
                    .to_string_lossy()
                    .to_string()
            })
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["bad-day", "checkin", "crisis", "pairing-alert", "sos"],
            "the main flows, in {lang}"
        );
    }
}

#[tokio::test]
async fn the_spanish_crisis_script_shows_024_and_112_and_never_988() {
    let t = replay("es", "crisis").await;
    assert!(t.contains("024") && t.contains("112"), "{t}");
    assert!(t.contains("¿Has deseado estar muerto(a)"), "{t}");
    let after_zone = t.split("> Ana: Madrid").nth(1).unwrap();
    assert!(!after_zone.contains("988"), "{after_zone}");
}

#[tokio::test]
async fn the_english_crisis_script_shows_samaritans_and_999() {
    let t = replay("en", "crisis").await;
    assert!(t.contains("116 123") && t.contains("999"), "{t}");
}

#[tokio::test]
async fn pairing_and_an_alert_in_both_languages() {
    let en = replay("en", "pairing-alert").await;
    assert!(
        en.contains("bot → Sam:\n    ⚠️ Alex: warning signs"),
        "{en}"
    );
    assert!(en.contains("Sam says they've reached out to you"), "{en}");
    let es = replay("es", "pairing-alert").await;
    assert!(es.contains("bot → Luis:\n    ⚠️ Ana:"), "{es}");
    assert!(es.contains("911"), "Mexico's emergency number: {es}");
}

#[tokio::test]
async fn check_in_bad_day_and_sos_scripts_run() {
    for (lang, name, needle) in [
        ("en", "checkin", "Thank you for checking in"),
        ("es", "checkin", "Tus días sin consumo"),
        ("en", "bad-day", "💡 Another idea"),
        ("es", "bad-day", "💡 Otra idea"),
        ("en", "sos", "the clock is now"),
        ("es", "sos", "the clock is now"),
    ] {
        let t = replay(lang, name).await;
        assert!(t.contains(needle), "{lang}/{name}: {t}");
    }
}

#[test]
fn a_broken_script_names_its_line() {
    let e = sandbox::parse_script("# ok\nAlex: /start\nAlex jumps").unwrap_err();
    assert!(e.starts_with("3:"), "{e}");
}

/// A tiny HTTP client for the page's routes (reqwest without TLS, on loopback).
struct Page {
    base: String,
    http: reqwest::Client,
}

impl Page {
    async fn get(&self, path: &str) -> (u16, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }
    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (
            status,
            serde_json::from_str(&r.text().await.unwrap()).unwrap_or(Value::Null),
        )
    }
    async fn state(&self) -> Value {
        serde_json::from_str(&self.get("/state").await.1).unwrap()
    }
    /// Waits until Alex's last message contains `needle`; returns it.
    async fn last_of_alex(&self, needle: &str) -> Value {
        for _ in 0..200 {
            let s = self.state().await;
            let last = s["people"][0]["messages"]
                .as_array()
                .and_then(|m| m.last().cloned())
                .unwrap_or(Value::Null);
            if last["text"].as_str().is_some_and(|t| t.contains(needle)) {
                return last;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("no message with {needle:?}: {:#}", self.state().await);
    }
}

#[tokio::test]
async fn the_page_serves_itself_and_drives_the_bot() {
    let s = Sandbox::start(&options()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = sandbox::router(Arc::clone(&s));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let page = Page {
        base,
        http: reqwest::Client::new(),
    };
    // The page is the binary's own: no CDN, no outside script or style.
    let (status, html) = page.get("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Recovery check-in bot · sandbox"));
    assert!(
        !html.contains("<script src") && !html.contains("<link"),
        "self-contained"
    );
    let st = page.state().await;
    let names: Vec<&str> = st["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Alex", "Sam"]);
    let alex = st["people"][0]["id"].as_i64().unwrap();

    // Alex types /start and taps "I agree" by the button's data, as the page does.
    assert_eq!(
        page.post(
            "/say",
            serde_json::json!({"person": alex, "text": "/start"})
        )
        .await
        .0,
        200
    );
    let intro = page.last_of_alex("Is that OK with you?").await;
    let agree = intro["keyboard"][0][0].clone();
    assert_eq!(agree["text"], "I agree");
    let (status, _) = page
        .post(
            "/tap",
            serde_json::json!({"person": alex, "message": intro["id"], "data": agree["data"]}),
        )
        .await;
    assert_eq!(status, 200);
    page.last_of_alex("Which time zone are you in?").await;
    page.post(
        "/say",
        serde_json::json!({"person": alex, "text": "Madrid"}),
    )
    .await;
    let done = page.last_of_alex("Europe/Madrid").await;
    assert!(done["text"].as_str().unwrap().contains("024"), "{done}");
    // The command menu the bot registered is offered in the text box.
    assert!(page.state().await["menus"][alex.to_string()]
        .to_string()
        .contains("checkin"));

    // The clock: +1 h, then the next scheduled check-in (20:00 in Madrid), whose prompt arrives.
    let before =
        chrono::DateTime::parse_from_rfc3339(page.state().await["clock"].as_str().unwrap())
            .unwrap();
    let (_, moved) = page
        .post("/clock", serde_json::json!({"minutes": 60}))
        .await;
    let after = chrono::DateTime::parse_from_rfc3339(moved["clock"].as_str().unwrap()).unwrap();
    assert_eq!((after - before).num_minutes(), 60);
    assert_eq!(
        page.post("/clock", serde_json::json!({"next": true}))
            .await
            .0,
        200
    );
    page.last_of_alex("Time for your").await;

    // What the database holds about Alex, and nothing as a contact.
    let (status, record) = page.get(&format!("/record/{alex}")).await;
    assert_eq!(status, 200);
    let record: Value = serde_json::from_str(&record).unwrap();
    assert_eq!(
        record["as_patient"]["patient"]["time_zone"],
        "Europe/Madrid"
    );
    assert_eq!(record["as_contact"].as_array().unwrap().len(), 0);

    // A person added on the page, in Spanish.
    let (_, added) = page
        .post(
            "/person",
            serde_json::json!({"name": "Lucía", "language": "es"}),
        )
        .await;
    let lucia = added["id"].as_i64().unwrap();
    page.post(
        "/say",
        serde_json::json!({"person": lucia, "text": "/start"}),
    )
    .await;
    for _ in 0..200 {
        let st = page.state().await;
        if st["people"][2]["messages"]
            .to_string()
            .contains("¿Te parece bien?")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(page.state().await["people"][2]["messages"]
        .to_string()
        .contains("¿Te parece bien?"));

    // Bad input is refused, and changes nothing.
    assert_eq!(
        page.post("/say", serde_json::json!({"person": 42, "text": "hi"}))
            .await
            .0,
        400
    );
    assert_eq!(
        page.post(
            "/tap",
            serde_json::json!({"person": alex, "message": 99999, "data": "x"})
        )
        .await
        .0,
        400
    );
    assert_eq!(
        page.post("/clock", serde_json::json!({"minutes": -5}))
            .await
            .0,
        400
    );
    assert_eq!(page.get("/file/1/1").await.0, 404);
    // A message longer than Telegram allows, or empty: refused, and nobody said anything.
    let before = page.state().await["people"].to_string();
    for text in ["x".repeat(4097), "   ".to_string()] {
        let (status, body) = page
            .post("/say", serde_json::json!({"person": alex, "text": text}))
            .await;
        assert_eq!(status, 400);
        assert!(body["error"].as_str().unwrap().contains("4,096"), "{body}");
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(page.state().await["people"].to_string(), before);
}
