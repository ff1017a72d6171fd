//! Loading the prompts folder: the shipped texts, and every kind of mistake an editor can make.

#[test]
fn every_warning_sign_has_its_words_for_contacts_and_for_the_patient() {
    for signal in crate::domain::risk::Signal::ALL {
        for prefix in ["signal", "signal-you"] {
            let key = format!("{prefix}-{}", signal.code());
            assert!(
                MESSAGES
                    .iter()
                    .any(|(k, vars)| *k == key && *vars == ["count"]),
                "{key} is not a registered message with $count"
            );
        }
    }
}

use super::*;
use crate::domain::coping::Need;

fn shipped() -> Content {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
    Content::load(&dir).unwrap_or_else(|e| panic!("{e}"))
}

/// The same validation `check-content` and start-up run, on the files we ship.
#[test]
fn the_shipped_prompts_pass_the_checks() {
    let c = shipped();
    assert_eq!(c.languages(), ["en", "es"]);
}

#[test]
fn the_library_is_broad_enough_in_every_language() {
    let c = shipped();
    for lang in c.languages() {
        let n = c
            .library
            .all()
            .iter()
            .filter(|s| s.text.contains_key(lang))
            .count();
        assert!(n >= 40, "{lang}: {n} suggestions");
    }
    for (need, min) in [
        (Need::Craving, 8),
        (Need::Sos, 5),
        (Need::Mood, 6),
        (Need::Sleep, 5),
        (Need::Lapse, 5),
        (Need::Triggers, 5),
        (Need::Halt, 5),
        (Need::Reinforce, 6),
    ] {
        let n = c.library.pool(need).len();
        assert!(n >= min, "{}: {n} suggestions", need.code());
    }
    for s in c.library.all() {
        assert!(!s.source.trim().is_empty(), "{}", s.key);
    }
}

/// A Spanish text that is the English one copied over is a translation someone forgot.
#[test]
fn spanish_is_translated_not_copied() {
    let c = shipped();
    // The same in both languages on purpose: a format, or a word that is the same.
    let same_on_purpose = [
        "timezone-button",
        "button-sleep-most",
        "button-used-no",
        "summary-used-no",
        "checkin-progress",
        // "1 Dec" / "1 dic": the month names differ, the pattern does not.
        "date-short",
        "schedule-line-week",
        "button-no",
        // "🗑 3": an icon and a number.
        "button-note-delete",
    ];
    let copied: Vec<&str> = MESSAGES
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !same_on_purpose.contains(k))
        .filter(|k| {
            let args: Vec<(&str, FluentValue)> = MESSAGES
                .iter()
                .find(|(m, _)| m == k)
                .unwrap()
                .1
                .iter()
                .map(|a| (*a, FluentValue::from("1")))
                .collect();
            c.text_with("en", k, &args) == c.text_with("es", k, &args)
        })
        .collect();
    assert!(copied.is_empty(), "not translated: {copied:?}");
    for s in c.library.all() {
        assert_ne!(s.text.get("en"), s.text.get("es"), "{}", s.key);
    }
}

/// A copy of the shipped prompts with one replacement made in `file`; the load error.
fn load_with(file: &str, from: &str, to: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
    for lang in ["en", "es"] {
        std::fs::create_dir(dir.path().join(lang)).unwrap();
        for f in std::fs::read_dir(src.join(lang)).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, dir.path().join(lang).join(f.file_name().unwrap())).unwrap();
        }
    }
    std::fs::copy(
        src.join("suggestions.toml"),
        dir.path().join("suggestions.toml"),
    )
    .unwrap();
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let broken = text.replacen(from, to, 1);
    assert_ne!(text, broken, "{from:?} not found in {file}");
    std::fs::write(&path, broken).unwrap();
    Content::load(dir.path()).unwrap_err().to_string()
}

#[test]
fn every_branch_of_a_plural_is_checked() {
    let err = load_with(
        "en/coping.ftl",
        "[0] Well done for checking in.",
        "[0] Well done for checking in. { missing-message }",
    );
    assert!(
        err.contains("`coping-reinforce`: cannot be formatted"),
        "{err}"
    );
}

#[test]
fn texts_sent_together_must_leave_room_for_each_other() {
    let long = format!("coping-halt = {}", "a".repeat(PART_MAX + 1));
    let err = load_with(
        "es/coping.ftl",
        "coping-halt = Una pregunta rápida:",
        &format!("{long}\nx-unused = "),
    );
    assert!(
        err.contains("`coping-halt`: is 801 characters long; at most 800"),
        "{err}"
    );
}

#[test]
fn a_translation_with_other_placeholders_is_refused() {
    let err = load_with(
        "es/coping.ftl",
        "sos-rated = Ganas ahora: { $urge }/10.",
        "sos-rated = Ganas ahora: algo/10.",
    );
    assert!(
        err.contains("es/coping.ftl:") && err.contains("`sos-rated`") && err.contains("$urge"),
        "{err}"
    );
}
