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
