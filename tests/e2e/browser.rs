//! The sandbox page in a real browser (issue 16): headless Chromium driven through ChromeDriver
//! (the W3C WebDriver protocol, spoken with reqwest), clicking and typing as a person would.
//! Needs Debian's `chromium` and `chromium-driver`; `.ci/run` installs them. Without them the
//! test fails and says so: it is never skipped.

use recovery_checkin_bot::sandbox::{self, Options, Sandbox};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    base: String,
    http: reqwest::Client,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

impl Driver {
    async fn start() -> Driver {
        let (Some(driver), Some(browser)) = (find("chromedriver"), find("chromium")) else {
            panic!(
                "the browser test needs Chromium and ChromeDriver: `apt-get install chromium chromium-driver` (Debian; .ci/run installs them)"
            );
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let mut d = Driver {
            child,
            base,
            http,
            session: String::new(),
        };
        for _ in 0..100 {
            if d.http
                .get(format!("{}/status", d.base))
                .send()
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": browser,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"]
        }}}});
        let r = d.call("POST", "/session", caps).await;
        d.session = r["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {r}"))
            .to_string();
        d
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        match self.try_call(method, path, &body).await {
            Ok(v) => v,
            Err(e) => panic!("ChromeDriver did not answer {method} {path}: {e}"),
        }
    }

    /// One WebDriver call. A connection ChromeDriver closed while idle (reqwest reuses it and
    /// gets "connection closed before message completed") is retried on a new one.
    async fn try_call(&self, method: &str, path: &str, body: &Value) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let mut last = String::new();
        for _ in 0..3 {
            let req = match method {
                "GET" => self.http.get(&url),
                "DELETE" => self.http.delete(&url),
                _ => self
                    .http
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body.to_string()),
            };
            match req.send().await {
                Ok(r) => {
                    let text = r.text().await.map_err(|e| e.to_string())?;
                    let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    return Ok(v["value"].clone());
                }
                Err(e) => last = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(last)
    }

    /// Ends the browser session. Best effort: Drop kills ChromeDriver anyway, and a browser
    /// that is already going away is not a failure of the page under test.
    async fn close(&self) {
        let _ = self
            .try_call("DELETE", &format!("/session/{}", self.session), &json!({}))
            .await;
    }

    async fn session(&self, method: &str, path: &str, body: Value) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
            .await
    }

    async fn open(&self, url: &str) {
        self.session("POST", "/url", json!({ "url": url })).await;
    }

    /// The page's visible text.
    async fn text(&self) -> String {
        self.session(
            "POST",
            "/execute/sync",
            json!({"script": "return document.body.innerText", "args": []}),
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    async fn wait_text(&self, needle: &str) -> String {
        for _ in 0..150 {
            let t = self.text().await;
            if t.contains(needle) {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let shot = self.session("GET", "/screenshot", json!({})).await;
        if let Some(b64) = shot.as_str() {
            let _ = std::fs::write(
                std::env::temp_dir().join("sandbox-browser-test.png.b64"),
                b64,
            );
        }
        panic!("the page never showed {needle:?}:\n{}", self.text().await);
    }

    /// The first element matching an XPath.
    async fn element(&self, xpath: &str) -> String {
        for _ in 0..100 {
            let v = self
                .session(
                    "POST",
                    "/element",
                    json!({"using": "xpath", "value": xpath}),
                )
                .await;
            if let Some(id) = v[ELEMENT].as_str() {
                return id.to_string();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no element {xpath}:\n{}", self.text().await);
    }

    /// Clicks the element; found again if the page redrew it in between (a chat is redrawn
    /// when a message arrives).
    async fn click(&self, xpath: &str) {
        for _ in 0..20 {
            let id = self.element(xpath).await;
            let r = self
                .session("POST", &format!("/element/{id}/click"), json!({}))
                .await;
            if r.is_null() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("could not click {xpath}:\n{}", self.text().await);
    }

    /// Types into an input and presses Enter.
    async fn type_enter(&self, xpath: &str, text: &str) {
        let id = self.element(xpath).await;
        self.session(
            "POST",
            &format!("/element/{id}/value"),
            json!({ "text": format!("{text}\u{E007}") }),
        )
        .await;
    }

    /// The page as a PNG.
    async fn screenshot(&self) -> Vec<u8> {
        use base64::Engine;
        let shot = self.session("GET", "/screenshot", json!({})).await;
        base64::engine::general_purpose::STANDARD
            .decode(shot.as_str().expect("a screenshot"))
            .expect("base64")
    }

    /// Clicks the newest button with this label in `person`'s column and waits for the bot's
    /// answer to it: the tapped message edited (a check-in's next question) or, for a tap
    /// answered with a new message, a new message in that chat. An unrelated message arriving
    /// meanwhile (a milestone note) is not taken for the answer while the edit is still due, so
    /// the next tap never lands on the old question's buttons.
    async fn tap(&self, person: &str, label: &str) {
        let xpath = button_of(person, label);
        // Found, read and clicked again if the chat was redrawn in between (a message came).
        let mut tries = 0;
        let (section, message, seen, count) = loop {
            tries += 1;
            let id = self.element(&xpath).await;
            let before = self
                .session(
                    "POST",
                    "/execute/sync",
                    json!({
                        "script": "const b = arguments[0].closest('.msg'); const chat = b.parentElement; \
                                   return [chat.closest('section').id, b.dataset.id, b.dataset.edits + b.innerText, chat.children.length];",
                        "args": [{ ELEMENT: id }]
                    }),
                )
                .await;
            let r = self
                .session("POST", &format!("/element/{id}/click"), json!({}))
                .await;
            if r.is_null() && before.get("error").is_none() {
                break (
                    before[0].as_str().expect("the column").to_string(),
                    before[1].as_str().expect("the message id").to_string(),
                    before[2].as_str().unwrap_or_default().to_string(),
                    before[3].as_u64().unwrap_or_default(),
                );
            }
            assert!(tries < 20, "clicking {label:?} of {person}: {r} {before}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        for i in 0..150 {
            let now = self
                .session(
                    "POST",
                    "/execute/sync",
                    json!({
                        "script": "const chat = document.querySelector('#' + arguments[0] + ' .chat'); \
                                   const b = chat.querySelector('.msg[data-id=\"' + arguments[1] + '\"]'); \
                                   return [b ? b.dataset.edits + b.innerText : null, chat.children.length];",
                        "args": [section, message]
                    }),
                )
                .await;
            let edited = now[0].as_str() != Some(seen.as_str());
            let added = now[1].as_u64().unwrap_or_default() > count;
            // The edit comes first when there is one; after 3 s a new message is the answer.
            if edited || (added && i >= 30) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{person}'s chat did not change after tapping {label:?}:\n{}",
            self.text().await
        );
    }
}

/// The last button with this label in the column of `person`.
fn button_of(person: &str, label: &str) -> String {
    format!("(//section[.//h2/span[text()='{person}']]//button[text()='{label}'])[last()]")
}

fn input_of(person: &str) -> String {
    format!("//section[.//h2/span[text()='{person}']]//form[@class='say']/input")
}

#[tokio::test]
async fn a_patient_enrols_and_gets_a_scheduled_prompt_by_clicking_the_page() {
    let s = Sandbox::start(&Options {
        database: None,
        prompts_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("prompts"),
        port: 0,
        script: None,
        start: None,
    })
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let app = sandbox::router(Arc::clone(&s));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let d = Driver::start().await;
    d.open(&url).await;
    let first = d.wait_text("Alex").await;
    assert!(
        first.contains("Sam") && first.contains("bot clock"),
        "{first}"
    );

    d.type_enter(&input_of("Alex"), "/start").await;
    d.wait_text("Is that OK with you?").await;
    d.click(&button_of("Alex", "I agree")).await;
    d.wait_text("Which time zone are you in?").await;
    d.type_enter(&input_of("Alex"), "Madrid").await;
    let done = d.wait_text("Crisis line for Spain").await;
    assert!(done.contains("024") && done.contains("112"), "{done}");

    // The clock: the next scheduled check-in brings its prompt, with its buttons.
    d.click("//button[@id='next']").await;
    d.wait_text("Time for your").await;
    d.click(&button_of("Alex", "Start check-in")).await;
    // Which slot comes next depends on the hour the test runs (the sandbox clock starts at
    // now): the morning one asks about sleep first, the evening one about mood.
    let q = d.wait_text("Check-in · 1 of").await;
    assert!(
        q.contains("How is your mood") || q.contains("How many hours did you sleep"),
        "{q}"
    );
    d.click(&button_of("Alex", "7")).await;
    d.wait_text("Saved").await;

    // Someone new, in Spanish.
    d.type_enter("//form[@id='add']/input[@name='name']", "Lucía")
        .await;
    d.wait_text("Lucía").await;
    d.type_enter(&input_of("Lucía"), "/start").await;
    d.wait_text("¿Te parece bien?").await;

    // What the database holds about Alex.
    d.click("//section[.//h2/span[text()='Alex']]//details/summary")
        .await;
    d.wait_text("Europe/Madrid\"").await;
    d.close().await;
}

/// The contact's half of the journey, in the page: Alex (Madrid) invites Sam, who opens the
/// invitation in the second pane and accepts; two days of warning signs, a day apart by the
/// clock button, alert Sam, whose "I reached out" reaches Alex. The clock starts on a Wednesday
/// at 18:00 in Madrid, so the test does not depend on the hour it runs.
#[tokio::test]
async fn a_contact_accepts_in_the_second_pane_is_alerted_and_reaches_out() {
    let s = Sandbox::start(&Options {
        database: None,
        prompts_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("prompts"),
        port: 0,
        script: None,
        start: Some("2026-03-04T17:00:00Z".parse().unwrap()),
    })
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let app = sandbox::router(Arc::clone(&s));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let d = Driver::start().await;
    d.open(&url).await;
    d.wait_text("Sam").await;
    d.type_enter(&input_of("Alex"), "/start").await;
    d.tap("Alex", "I agree").await;
    d.type_enter(&input_of("Alex"), "Madrid").await;
    d.wait_text("Crisis line for Spain").await;

    d.type_enter(&input_of("Alex"), "/contact").await;
    d.tap("Alex", "➕ Invite someone").await;
    d.type_enter(&input_of("Alex"), "Alex").await;
    d.tap("Alex", "Alerts only").await;
    d.tap("Alex", "No, only with other signs").await;
    // The invitation link, opened by Sam from Alex's chat.
    d.click("(//section[.//h2/span[text()='Alex']]//button[@class='open-invite' and text()='Sam'])[last()]")
        .await;
    d.tap("Sam", "✅ Accept").await;

    for (day, answers) in [
        (0, ["2", "4", "2", "8", "No", "Skip"]),
        (1, ["2", "3", "2", "9", "No", "Skip"]),
    ] {
        if day > 0 {
            d.click("//button[@data-min='1440']").await;
        }
        d.type_enter(&input_of("Alex"), "/checkin").await;
        for a in answers {
            d.tap("Alex", a).await;
        }
    }

    // The alert reaches Sam in the second pane, with its button.
    d.tap("Sam", "✅ I reached out").await;
    let text = d.wait_text("says they've reached out to you").await;
    assert!(text.contains("Thank you. I've let Alex know"), "{text}");
    // The alert, as Sam sees it: what helps and the emergency number for Spain, no answers.
    assert!(
        text.contains("warning signs have been building up") && text.contains("call 112"),
        "{text}"
    );
    let sam = s.person("Sam").expect("Sam is on the page").id;
    let alerts = s.fake.read(|f| {
        f.bot_messages(sam)
            .iter()
            .filter(|m| m.text.contains("warning signs have been building up"))
            .count()
    });
    assert_eq!(alerts, 1, "one alert, not one per check-in");
    // The picture of the sandbox in the README: `SANDBOX_SCREENSHOT=docs/sandbox.png cargo
    // test --locked --test e2e browser::a_contact` writes it there; otherwise into the target.
    let png = d.screenshot().await;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);
    let path = std::env::var_os("SANDBOX_SCREENSHOT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("sandbox-contact.png")
        });
    std::fs::write(&path, png).unwrap();
    d.close().await;
}
