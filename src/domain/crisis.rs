//! Recognising words of crisis in free text, so the crisis line comes first.
//!
//! This is a safety net, not a screen: it errs towards showing help (a false alarm costs a
//! message; a miss can cost more), and the crisis button is on every keyboard regardless.

/// Phrases (lower case) that suggest thoughts of suicide or self-harm.
const PHRASES: &[&str] = &[
    "suicide",
    "suicidal",
    "kill myself",
    "killing myself",
    "end my life",
    "ending my life",
    "end it all",
    "want to die",
    "wanna die",
    "wish i was dead",
    "wish i were dead",
    "better off dead",
    "hurt myself",
    "hurting myself",
    "self harm",
    "self-harm",
    "overdose on purpose",
    "no reason to live",
    "don't want to live",
    "dont want to live",
    "don't want to be alive",
    "not want to wake up",
    "never wake up",
];

pub fn mentions_crisis(text: &str) -> bool {
    let t = text.to_lowercase().replace('’', "'");
    PHRASES.iter().any(|p| t.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_common_phrasings() {
        for t in [
            "I want to die",
            "honestly I'd be better off dead",
            "thinking about SUICIDE",
            "I don’t want to live anymore",
            "might hurt myself tonight",
        ] {
            assert!(mentions_crisis(t), "{t}");
        }
        for t in [
            "7",
            "tired but ok",
            "I died laughing at the meeting",
            "dying for a coffee",
        ] {
            assert!(!mentions_crisis(t), "{t}");
        }
    }
}
