use super::*;

fn lexicon(entries: &[(Concern, &str)], ignore: &[&str]) -> Lexicon {
    let mut l = Lexicon::default();
    for (c, p) in entries {
        l.add(*c, Pattern::parse(p).unwrap());
    }
    for p in ignore {
        l.add_ignore(Pattern::parse(p).unwrap());
    }
    l
}

#[test]
fn normalises_case_accents_punctuation_and_repeats() {
    assert_eq!(
        tokens("¡¡Quiero MORIRMEEE!! ya… no puedo más 😭"),
        ["quiero", "morirme", "ya", "no", "puedo", "mas"]
    );
    assert_eq!(tokens("I can’t go on"), ["i", "cant", "go", "on"]);
    assert_eq!(tokens("kill myself"), ["kil", "myself"]);
    assert_eq!(tokens("24/7 ok"), ["24", "7", "ok"]);
}

#[test]
fn words_prefixes_alternatives_and_gaps() {
    let l = lexicon(
        &[
            (Concern::Suicide, "want*|wanna .. die"),
            (Concern::Suicide, "suicid*"),
            (Concern::Medical, "chest .. hurt*|pain"),
        ],
        &[],
    );
    assert!(l.detect("I really want to die").suicide);
    assert!(l.detect("i wanna dieee").suicide);
    assert!(l.detect("having SUICIDAL thoughts").suicide);
    assert!(l.detect("my chest really hurts").medical);
    assert!(
        !l.detect("I want to go to the shop and then die laughing")
            .suicide
    );
    assert!(!l.detect("die").any());
    assert!(!l.detect("").any());
}

#[test]
fn one_typo_is_forgiven_but_not_a_changed_letter() {
    assert!(near("want", "wnat"));
    assert!(near("matar", "matr"));
    assert!(near("suicid", "suicd"));
    assert!(near("breath", "breth"));
    assert!(
        !near("matarme", "matarte"),
        "a changed letter is another word"
    );
    assert!(!near("want", "went"));
    assert!(!near("dead", "dad"), "short words must be exact");
    assert!(!near("want", "want"));
    assert!(!near("oding", "doing"), "the first letter must match");
    let l = lexicon(
        &[
            (Concern::Suicide, "want* to die"),
            (Concern::Suicide, "suicid*"),
        ],
        &[],
    );
    assert!(l.detect("i wnat to die").suicide);
    assert!(l.detect("feeling suicdal").suicide);
    assert!(!l.detect("I went to dinner").any());
}

#[test]
fn a_choice_of_phrases() {
    let l = lexicon(
        &[(Concern::Suicide, "estrell* .. (coche|carro|a proposito)")],
        &[],
    );
    assert!(l.detect("voy a estrellar el carro").suicide);
    assert!(l.detect("me voy a estrellar a propósito").suicide);
    assert!(!l.detect("me voy a estrellar a las 5").suicide);
    for bad in ["(a b", "a(b)", "(a|)", "((a))", "(a|b c*d)"] {
        assert!(Pattern::parse(bad).is_err(), "{bad:?}");
    }
    assert!(Pattern::parse("(a b|c) d").is_ok());
}

#[test]
fn ignored_phrases_hide_only_their_own_words() {
    let l = lexicon(&[(Concern::Suicide, "me muero")], &["muero de risa|sueno"]);
    assert!(!l.detect("jajaja me muero de risa").any());
    assert!(!l.detect("me muero de sueño").any());
    assert!(l.detect("me muero, no aguanto").suicide);
    assert!(
        l.detect("me muero de risa, bueno no, me muero de verdad")
            .suicide
    );
}

#[test]
fn bad_patterns_are_explained() {
    for bad in [
        "",
        "..",
        ".. die",
        "die ..",
        "want .. .. die",
        "k*",
        "self-harm*",
    ] {
        assert!(Pattern::parse(bad).is_err(), "{bad:?}");
    }
    // A hyphenated word is two words: written with a space it works.
    assert!(Pattern::parse("self harm*").is_ok());
}
