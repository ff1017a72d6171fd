//! The words of crisis (`prompts/<language>/crisis-words.toml`) against corpora of messages
//! written in people's own words (`tests/crisis_corpus/{dev,holdout}/<language>.tsv`: thoughts of suicide,
//! self-harm, medical emergencies, and everyday messages that are none of these). Prints recall
//! and the false-positive rate per language (`cargo test crisis_corpus -- --nocapture`).
//!
//! A safety net, not a detector: the crisis buttons are on every keyboard whatever this finds.

use crate::support::shipped_prompts;
use recovery_checkin_bot::content::Content;

/// Recall the shipped words must reach on the corpus, per language.
const MIN_RECALL: f64 = 0.95;
/// Share of everyday messages that may be taken for a crisis.
const MAX_FALSE_POSITIVES: f64 = 0.03;

fn corpus(set: &str, lang: &str) -> Vec<(String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/crisis_corpus")
        .join(set)
        .join(format!("{lang}.tsv"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (cat, text) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("no tab in corpus line {l:?}"));
            (cat.to_string(), text.to_string())
        })
        .collect()
}

/// The development corpus (the words were tuned on it) must reach the targets.
#[test]
fn crisis_corpus_recall_and_false_positives() {
    let failures = measure("dev", MIN_RECALL, MAX_FALSE_POSITIVES);
    assert!(failures.is_empty(), "{failures:?}");
}

/// A held-out corpus, written separately and never tuned on: the honest figure (about 60%
/// recall on 2026-12-01, see BENCHMARKS.md), with a floor so a change that makes the words
/// worse in general is caught. Do not tune on it; to use it, move it into the development
/// corpus and write a new held-out set.
#[test]
fn crisis_corpus_held_out_recall_and_false_positives() {
    let failures = measure("holdout", HELD_OUT_MIN_RECALL, HELD_OUT_MAX_FALSE_POSITIVES);
    assert!(failures.is_empty(), "{failures:?}");
}

const HELD_OUT_MIN_RECALL: f64 = 0.50;
const HELD_OUT_MAX_FALSE_POSITIVES: f64 = 0.10;

/// Prints and checks one corpus; returns what fell short.
fn measure(set: &str, min_recall: f64, max_false: f64) -> Vec<String> {
    let content = Content::load(&shipped_prompts()).expect("shipped prompts load");
    let words = &content.crisis_words;
    let mut failures = Vec::new();
    for lang in content.languages() {
        let lines = corpus(set, lang);
        let (mut pos, mut hit, mut neg, mut fp) = (0, 0, 0, 0);
        let mut missed = Vec::new();
        let mut false_alarms = Vec::new();
        for (cat, text) in &lines {
            let found = words.detect(text);
            // The right help: the crisis line for thoughts of suicide or self-harm, the
            // emergency number for a medical emergency.
            let right = match cat.as_str() {
                "suicide" | "selfharm" => found.harm(),
                "medical" => found.medical,
                "none" => {
                    neg += 1;
                    if found.any() {
                        fp += 1;
                        false_alarms.push(text.clone());
                    }
                    continue;
                }
                other => panic!("unknown corpus category {other:?} in {lang}.tsv"),
            };
            pos += 1;
            if right {
                hit += 1;
            } else {
                missed.push(format!("{cat}: {text}"));
            }
        }
        let recall = hit as f64 / pos as f64;
        let fpr = fp as f64 / neg as f64;
        println!(
            "crisis words, {set} corpus, {lang}: recall {:.1}% ({hit}/{pos}), false positives {:.1}% ({fp}/{neg})",
            recall * 100.0,
            fpr * 100.0
        );
        for m in &missed {
            println!("  missed   {m}");
        }
        for f in &false_alarms {
            println!("  false    {f}");
        }
        assert!(pos >= 50 && neg >= 50, "{lang}: the corpus is too small");
        if recall < min_recall {
            failures.push(format!("{lang}: recall {recall:.3} < {min_recall}"));
        }
        if fpr > max_false {
            failures.push(format!("{lang}: false positives {fpr:.3} > {max_false}"));
        }
    }
    failures
}
