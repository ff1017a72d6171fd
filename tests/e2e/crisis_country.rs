//! Crisis help for the patient in front of us: their country's numbers everywhere (from their
//! time zone, or chosen with /country), typed crisis and medical emergencies in English and
//! Spanish, inside and outside a check-in, and harm reduction after a reported use.

use crate::support::*;
use fake_telegram::ChatMessage;

const ANA: i64 = 2001;
const LUIS: i64 = 2002;
const EMMA: i64 = 2003;
const KENJI: i64 = 2004;
const SOFIA: i64 = 2005;

/// The numbers of other countries that must never reach a patient in `country`.
fn assert_only(m: &ChatMessage, wanted: &[&str], foreign: &[&str]) {
    for w in wanted {
        assert!(m.text.contains(w), "{w} missing from: {}", m.text);
    }
    for f in foreign {
        assert!(!m.text.contains(f), "{f} must not be shown: {}", m.text);
    }
}

fn data_starting(m: &ChatMessage, prefix: &str) -> String {
    m.buttons()
        .find_map(|b| b.callback_data.clone().filter(|d| d.starts_with(prefix)))
        .unwrap_or_else(|| panic!("no button with data {prefix}… in {m:#?}"))
}

/// /start, agree (whatever the language), type the zone. Returns the welcome message.
async fn enroll_in(h: &Harness, user: i64, zone: &str) -> ChatMessage {
    let intro = h.say(user, "/start").await;
    let agree = data_starting(&intro, "consent:yes");
    let n = h.count(user);
    h.tap_data(user, intro.message_id, &agree).await;
    h.fake.wait_for_bot_message(user, n + 1).await;
    h.say(user, zone).await
}

/// `patient` invites `contact` by the buttons' data (any language) and `contact` accepts.
async fn pair(h: &Harness, patient: i64, contact: i64, name: &str) {
    let menu = h.say(patient, "/contact").await;
    let n = h.count(patient);
    h.tap_data(patient, menu.message_id, "inv").await;
    h.fake.wait_for_bot_message(patient, n + 1).await;
    let ask = h.say(patient, name).await;
    h.tap_data(patient, ask.message_id, "inv:a").await;
    h.fake
        .wait_for("the question about a reported use", |s| {
            s.message(patient, ask.message_id)
                .filter(|m| {
                    m.buttons()
                        .any(|b| b.callback_data.as_deref() == Some("inv:u:n"))
                })
                .map(|_| ())
        })
        .await;
    h.tap_data(patient, ask.message_id, "inv:u:n").await;
    let link = h.wait_text(patient, ask.message_id, "?start=").await;
    let start = link.text.find("?start=").unwrap() + "?start=".len();
    let token: String = link.text[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    let shown = h.say(contact, &format!("/start {token}")).await;
    let accept = data_starting(&shown, "ia:");
    let accept = accept.replace(":n", ":y");
    let n = h.count(patient);
    h.tap_data(contact, shown.message_id, &accept).await;
    h.fake.wait_for_bot_message(patient, n + 1).await;
}

#[tokio::test]
async fn a_spanish_patient_in_madrid_sees_only_spains_numbers_and_her_contact_is_told_where_she_is()
{
    let h = Harness::start().await;
    h.fake.add_user(ANA, "Ana", Some("es"));
    let welcome = enroll_in(&h, ANA, "Madrid").await;
    // Shown once at onboarding, with a button to change it.
    assert_only(&welcome, &["España", "024", "112"], &["988", "911"]);
    assert!(welcome.has_button("🌍 Cambiar país"), "{welcome:#?}");

    let crisis = h.say(ANA, "/crisis").await;
    assert_only(&crisis, &["024", "112", "España"], &["988", "911"]);
    let link = crisis
        .buttons()
        .find_map(|b| b.url.clone())
        .expect("one tap");
    assert!(link.contains("sanidad.gob.es"), "{link}");

    // Typed in her own words, outside a check-in.
    let typed = h.say(ANA, "ya no puedo mas... quiero morirme").await;
    assert_only(&typed, &["024", "112"], &["988", "911"]);
    assert!(typed.has_button("Responder unas preguntas"), "{typed:#?}");

    // Her contact, who reads English.
    pair(&h, ANA, BOB, "Ana").await;
    let n = h.count(ANA);
    h.tap_data(ANA, typed.message_id, "unsafe").await;
    let q = h
        .next_message_with(ANA, n, "¿Has deseado estar muerto")
        .await;
    assert!(q
        .buttons()
        .any(|b| b.url.as_deref().is_some_and(|u| u.contains("sanidad"))));
    h.tap(ANA, q.message_id, "Sí").await;
    h.wait_text(ANA, q.message_id, "realmente la idea").await;
    h.tap(ANA, q.message_id, "Sí").await;
    let alert = h.next_message_with(BOB, 0, "may not be safe").await;
    assert_only(&alert, &["Ana is in Spain", "112", "024"], &["988", "911"]);
    // The crisis line under the alert, and Bob's own /crisis, are Spain's too.
    assert!(
        alert
            .buttons()
            .any(|b| b.url.as_deref().is_some_and(|u| u.contains("sanidad"))),
        "{alert:#?}"
    );
    let bobs = h.say(BOB, "/crisis").await;
    assert_only(&bobs, &["024", "112"], &["988", "911"]);
    // The screen goes on in one message, with Spain's numbers.
    let screen = h.wait_text(ANA, q.message_id, "Bob").await;
    assert!(screen.has_button("Sí"), "{screen:#?}");
    for _ in 0..3 {
        let before = h.fake.message(ANA, q.message_id).unwrap().edits;
        h.tap(ANA, q.message_id, "No").await;
        h.fake
            .wait_for("the next question", |s| {
                s.message(ANA, q.message_id)
                    .filter(|m| m.edits > before)
                    .map(|_| ())
            })
            .await;
    }
    let n = h.count(ANA);
    h.tap(ANA, q.message_id, "No").await;
    let help = h.next_message_with(ANA, n, "Gracias por contármelo").await;
    assert_only(&help, &["024", "112"], &["988", "911"]);

    // The safety plan, skipped through, still carries Spain's line.
    let n = h.count(ANA);
    h.tap(ANA, help.message_id, "✍️ Escribir mi plan de seguridad")
        .await;
    let mut ask = h.next_message_with(ANA, n, "1 de 6").await;
    for step in 2..=6 {
        let n = h.count(ANA);
        h.tap_data(ANA, ask.message_id, "plan:skip").await;
        ask = h.next_message_with(ANA, n, &format!("{step} de 6")).await;
        if step == 4 {
            assert_only(&ask, &["024"], &["988"]);
        }
    }
    let n = h.count(ANA);
    h.tap_data(ANA, ask.message_id, "plan:skip").await;
    let plan = h.next_message_with(ANA, n, "Tu plan de seguridad").await;
    assert_only(
        &plan,
        &["024", "112", "razones para vivir"],
        &["988", "911"],
    );

    // A reported use: the lapse reply and the harm-reduction message name 112.
    let m = h.say(ANA, "/checkin").await;
    for label in ["5", "6", "5", "4", "Sí"] {
        h.answer(ANA, m.message_id, label).await;
    }
    let n = h.count(ANA);
    h.tap(ANA, m.message_id, "Omitir").await;
    let lapse = h.next_message_with(ANA, n, "Gracias por contármelo").await;
    assert_only(&lapse, &["112"], &["911"]);
    let harm = h.next_message_with(ANA, n, "fentanilo").await;
    assert_only(&harm, &["112", "No consumas a solas"], &["911"]);
}

#[tokio::test]
async fn a_patient_in_mexico_city_gets_mexicos_line_and_a_medical_emergency_inside_a_checkin_gets_911_first(
) {
    let h = Harness::start().await;
    h.fake.add_user(LUIS, "Luis", Some("es"));
    let welcome = enroll_in(&h, LUIS, "America/Mexico_City").await;
    assert_only(
        &welcome,
        &["México", "800 911 2000"],
        &["988", "112", "024"],
    );
    let crisis = h.say(LUIS, "/crisis").await;
    assert_only(
        &crisis,
        &["800 911 2000", "Línea de la Vida"],
        &["988", "112", "024"],
    );

    // In the middle of a check-in, before any "type a number".
    let m = h.say(LUIS, "/checkin").await;
    let sos = h.say(LUIS, "me meti demasiado y me duele el pecho").await;
    assert!(
        sos.text.starts_with("🚑"),
        "the emergency number first: {}",
        sos.text
    );
    assert!(sos.text.contains("Llama al 911"), "{}", sos.text);
    assert!(!sos.text.contains("número entre"), "{}", sos.text);
    // The check-in is still open: a number typed next answers it.
    let next = h.say(LUIS, "3").await;
    assert!(next.text.contains("horas"), "{}", next.text);
    assert_eq!(
        h.scalar_i64("SELECT mood FROM checkins WHERE patient_id = $1", 1)
            .await,
        Some(3)
    );
    let _ = m;
}

#[tokio::test]
async fn an_english_patient_in_london_sees_samaritans_and_999() {
    let h = Harness::start().await;
    h.fake.add_user(EMMA, "Emma", Some("en-GB"));
    let welcome = enroll_in(&h, EMMA, "London").await;
    assert_only(
        &welcome,
        &["United Kingdom", "116 123", "999"],
        &["988", "911"],
    );
    let crisis = h.say(EMMA, "/crisis").await;
    assert_only(&crisis, &["Samaritans", "116 123", "999"], &["988", "911"]);
    // Samaritans takes calls, not texts: the bot must not say "text".
    assert!(crisis.text.contains("call 116 123"), "{}", crisis.text);
    assert!(!crisis.text.contains("call or text"), "{}", crisis.text);
    for words in [
        "kms",
        "I can't go on anymore",
        "thinking of ending it",
        "i wnat to die",
    ] {
        let m = h.say(EMMA, words).await;
        assert_only(&m, &["116 123"], &["988"]);
    }
    let medical = h.say(EMMA, "i might overdose, my heart is racing").await;
    assert!(
        medical.text.starts_with("🚑") && medical.text.contains("Call 999"),
        "{}",
        medical.text
    );
}

#[tokio::test]
async fn a_country_not_in_the_table_gets_the_operators_line_and_where_to_find_one_and_can_change_it(
) {
    let h = Harness::start().await;
    h.fake.add_user(KENJI, "Kenji", Some("en"));
    let welcome = enroll_in(&h, KENJI, "Asia/Tokyo").await;
    assert!(welcome.text.contains("Japan"), "{}", welcome.text);
    let crisis = h.say(KENJI, "/crisis").await;
    // The operator's fallback (988 in the tests), and where to find a line for Japan.
    assert_only(&crisis, &["988", "findahelpline.com"], &[]);

    // /country with a typed name; a wrong one is explained.
    let wrong = h.say(KENJI, "/country Narnia").await;
    assert!(
        wrong.text.contains("I don't know that country"),
        "{}",
        wrong.text
    );
    let set = h.say(KENJI, "/country Spain").await;
    assert_only(&set, &["024", "112"], &["988"]);
    let crisis = h.say(KENJI, "/crisis").await;
    assert_only(&crisis, &["024", "112"], &["988", "911"]);
    // The list, by button.
    let list = h.say(KENJI, "/pais").await;
    let n = h.count(KENJI);
    h.tap(KENJI, list.message_id, "Ireland").await;
    let saved = h.wait_text(KENJI, list.message_id, "Saved").await;
    assert_only(&saved, &["116 123", "112"], &["024"]);
    assert_eq!(h.count(KENJI), n, "the list turned into the answer");
    // Forged country data changes nothing.
    let toast = h.tap_data(KENJI, list.message_id, "ctry:QQ").await;
    assert!(toast.is_some_and(|t| t.contains("doesn't work")));
    let crisis = h.say(KENJI, "/crisis").await;
    assert!(crisis.text.contains("116 123"), "{}", crisis.text);
}

#[tokio::test]
async fn typed_crisis_reaches_people_not_enrolled_with_their_telegram_regions_numbers() {
    let h = Harness::start().await;
    h.fake.add_user(SOFIA, "Sofía", Some("es-MX"));
    let m = h.say(SOFIA, "me quiero matar neta").await;
    assert_only(&m, &["800 911 2000"], &["988", "024"]);
    assert!(m.text.contains("Tu vida importa"), "{}", m.text);
    // No offer of the screen to someone not enrolled (it would store answers), and nothing
    // stored about them.
    assert!(!m.has_button("Responder unas preguntas"), "{m:#?}");
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM patients WHERE id >= $1", 0)
            .await,
        Some(0)
    );
    // /pais with a country name shows that country's numbers, and stores nothing.
    let es = h.say(SOFIA, "/pais España").await;
    assert_only(&es, &["024", "112"], &["988"]);
    // A medical emergency from someone not enrolled, in English.
    let bob = h
        .say(BOB, "my friend is not breathing and his lips are blue")
        .await;
    assert!(
        bob.text.starts_with("🚑") && bob.text.contains("911"),
        "{}",
        bob.text
    );
}

#[tokio::test]
async fn harm_reduction_follows_a_reported_use_until_turned_off() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let m = h.say(ALICE, "/checkin").await;
    for label in ["5", "6", "5", "4", "Yes"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    let n = h.count(ALICE);
    h.tap(ALICE, m.message_id, "Skip").await;
    let harm = h.next_message_with(ALICE, n, "fentanyl").await;
    for part in ["Don't use alone", "test strips", "Call 911", "naloxone"] {
        assert!(harm.text.contains(part), "{part}: {}", harm.text);
    }
    for shaming in ["relapse", "clean", "dirty", "addict", "failure"] {
        assert!(!harm.text.to_lowercase().contains(shaming), "{shaming}");
    }
    let toast = h.tap(ALICE, harm.message_id, "Don't show this again").await;
    assert!(toast.is_some_and(|t| t.contains("won't show")));
    let m = h.say(ALICE, "/checkin").await;
    for label in ["5", "6", "5", "4", "Yes"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    let n = h.count(ALICE);
    h.tap(ALICE, m.message_id, "Skip").await;
    h.next_message_with(ALICE, n, "Thank you for telling me")
        .await;
    h.drain_outbox().await;
    assert!(
        h.fake.bot_messages(ALICE)[n..]
            .iter()
            .all(|m| !m.text.contains("fentanyl")),
        "turned off"
    );
}

#[tokio::test]
async fn crisis_words_in_a_checkin_note_are_kept_and_bring_the_crisis_line() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let m = h.say(ALICE, "/checkin").await;
    for label in ["3", "6", "5", "4", "No"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    let n = h.count(ALICE);
    h.fake
        .user_sends(ALICE, "honestly i dont want to live anymore");
    let help = h.next_message_with(ALICE, n, "You matter").await;
    assert!(help.text.contains("988"), "{}", help.text);
    assert!(help.has_button("Answer a few questions"), "{help:#?}");
    h.wait_db(
        "SELECT COUNT(*) FROM checkins WHERE status = 'completed' AND note IS NOT NULL AND patient_id = $1",
        1,
        Some(1),
    )
    .await;
}

#[tokio::test]
async fn a_utc_offset_names_no_country_so_the_patient_is_asked() {
    let h = Harness::start().await;
    let welcome = enroll_in(&h, ALICE, "UTC+2").await;
    assert!(
        welcome.text.contains("Which country are you in?"),
        "{}",
        welcome.text
    );
    assert!(welcome.has_button("🌍 Change country"), "{welcome:#?}");
    let n = h.count(ALICE);
    h.tap(ALICE, welcome.message_id, "🌍 Change country").await;
    let list = h
        .next_message_with(ALICE, n, "Which country are you in?")
        .await;
    assert!(
        list.has_button("Spain") && list.has_button("Another country"),
        "{list:#?}"
    );
    h.tap(ALICE, list.message_id, "Another country").await;
    let how = h.next_message_with(ALICE, n + 1, "/country").await;
    assert!(how.text.contains("Japan"), "{}", how.text);
    let set = h.say(ALICE, "/country de").await;
    assert_only(
        &set,
        &["TelefonSeelsorge", "0800 111 0 111", "112"],
        &["988"],
    );
}
