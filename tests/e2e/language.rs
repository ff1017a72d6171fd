//! Languages: a patient starts in their Telegram language when the bot speaks it, and
//! `/language` switches every text, buttons and suggestions included.

use crate::coping::{content, suggestion_in};
use crate::support::*;
use fake_telegram::ChatMessage;
use recovery_checkin_bot::content::{Content, MESSAGES};
use recovery_checkin_bot::domain::coping::Need;

const CAROLINA: i64 = 1003;

/// English sentences and button labels that must not appear once a chat is in Spanish.
fn english_only(c: &Content) -> (Vec<String>, Vec<String>) {
    let mut phrases = Vec::new();
    let mut labels = Vec::new();
    for (key, vars) in MESSAGES {
        if !vars.is_empty() {
            continue;
        }
        let en = c.text("en", key);
        if en == c.text("es", key) {
            continue;
        }
        if key.starts_with("button-") {
            labels.push(en);
        } else if let Some(line) = en.lines().map(str::trim).find(|l| l.len() >= 16) {
            phrases.push(line.to_string());
        }
    }
    (phrases, labels)
}

fn assert_spanish(c: &Content, messages: &[ChatMessage]) {
    let (phrases, labels) = english_only(c);
    for m in messages {
        for p in &phrases {
            assert!(!m.text.contains(p.as_str()), "English {p:?} in {}", m.text);
        }
        for b in m.buttons() {
            assert!(
                !labels.contains(&b.text),
                "English button {:?} in {m:#?}",
                b.text
            );
        }
    }
}

#[tokio::test]
async fn language_es_switches_every_text_including_buttons() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    let c = content();
    let from = h.count(ALICE);
    let set = h.say(ALICE, "/language es").await;
    assert!(set.text.contains("te escribo en español"), "{}", set.text);
    assert!(set.has_button("Hacer mi registro"), "{set:#?}");
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM patients WHERE language = 'es' AND telegram_user_id = $1",
            ALICE
        )
        .await,
        Some(1)
    );

    // A whole check-in, in Spanish, and the suggestion after it.
    let m = h.say(ALICE, "/checkin").await;
    assert!(m.text.contains("¿Cómo está tu ánimo"), "{}", m.text);
    assert!(m.has_button("🆘 Ayuda en crisis") && m.has_button("🌊 SOS ganas"));
    for label in ["6", "7", "7", "9", "No"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    let count = h.count(ALICE);
    h.tap(ALICE, m.message_id, "Omitir").await;
    h.wait_text(ALICE, m.message_id, "Gracias por hacer tu registro")
        .await;
    let s = h
        .next_message_with(ALICE, count, "Algo para probar ahora mismo")
        .await;
    assert!(
        suggestion_in(&c, Need::Craving, "es", &s.text).is_some(),
        "not a Spanish craving suggestion: {}",
        s.text
    );
    assert!(s.has_button("💡 Otra idea") && s.has_button("👎 No es para mí"));

    // Help, SOS, the schedule and a scheduled prompt.
    h.say(ALICE, "/help").await;
    let count = h.count(ALICE);
    h.fake.user_sends(ALICE, "/sos");
    h.next_message_with(ALICE, count, "¿Cuántas ganas de consumir tienes")
        .await;
    h.say(ALICE, "/schedule").await;
    h.say(ALICE, "/pause").await;
    let count = h.count(ALICE);
    // 20:00 in New York: the evening prompt.
    h.at(2026, 3, 3, 1, 0).await;
    let prompt = h
        .next_message_with(ALICE, count, "registro de la noche")
        .await;
    assert!(prompt.has_button("Empezar registro"), "{prompt:#?}");

    let all = h.fake.bot_messages(ALICE);
    assert_spanish(&c, &all[from..]);
}

#[tokio::test]
async fn a_spanish_telegram_starts_in_spanish_and_can_choose_english_before_joining() {
    let h = Harness::start().await;
    h.fake.add_user(CAROLINA, "Carolina", Some("es-MX"));
    let intro = h.say(CAROLINA, "/start").await;
    assert!(intro.text.contains("Soy un bot"), "{}", intro.text);
    assert!(intro.has_button("Acepto") && intro.has_button("English"));

    // She prefers English: the introduction changes, and agreeing keeps English.
    h.tap(CAROLINA, intro.message_id, "English").await;
    let en = h
        .wait_text(CAROLINA, intro.message_id, "I'm a bot that helps you")
        .await;
    assert!(en.has_button("I agree") && en.has_button("Español"));
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM patients WHERE id > $1", 0)
            .await,
        Some(0),
        "choosing a language before agreeing stores nothing"
    );
    h.tap(CAROLINA, intro.message_id, "I agree").await;
    let ask = h.fake.wait_for_bot_message(CAROLINA, 2).await;
    assert!(ask.text.contains("Which time zone"), "{}", ask.text);
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM patients WHERE language = 'en' AND telegram_user_id = $1",
            CAROLINA
        )
        .await,
        Some(1)
    );
}

#[tokio::test]
async fn the_language_buttons_and_unknown_languages() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let ask = h.say(ALICE, "/language").await;
    assert!(ask.text.contains("Now: English"), "{}", ask.text);
    assert!(ask.has_button("✓ English") && ask.has_button("Español"));
    h.tap(ALICE, ask.message_id, "Español").await;
    h.wait_text(ALICE, ask.message_id, "te escribo en español")
        .await;

    let no = h.say(ALICE, "/language klingon").await;
    assert!(
        no.text.contains("Todavía no hablo ese idioma"),
        "{}",
        no.text
    );
    assert!(no.text.contains("English (en)") && no.text.contains("Español (es)"));
    let back = h.say(ALICE, "/language english").await;
    assert!(back.text.contains("I'll write in English"), "{}", back.text);

    // A forged code the bot does not speak.
    let toast = h.tap_data(ALICE, back.message_id, "lang:fr").await.unwrap();
    assert!(toast.contains("doesn't work anymore"), "{toast}");
}

#[tokio::test]
async fn the_command_menu_exists_in_every_language() {
    let h = Harness::start().await;
    let menus = h
        .fake
        .wait_for("three command menus", |s| {
            (s.commands.len() == 3).then(|| s.commands.clone())
        })
        .await;
    let names = |lang: &str| -> Vec<String> {
        menus[lang]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["description"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(names("").contains(&"Craving right now".to_string()));
    assert!(names("es").contains(&"Ganas de consumir ahora".to_string()));
    assert_eq!(names("en"), names(""));
}
