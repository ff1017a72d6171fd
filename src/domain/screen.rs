//! The crisis screen: the C-SSRS screener (Columbia Suicide Severity Rating Scale, "since last
//! contact" wording), as domain.md gives it.
//!
//! 1 wished dead / not to wake up; 2 actual thoughts of killing yourself; if 2 is yes: 3 method,
//! 4 intent, 5 plan; always 6: done or prepared anything to end your life. Any yes → the crisis
//! line and a safety plan at once. A yes to 2 or later (thoughts, method, intent, plan,
//! preparatory behaviour) → every support contact is alerted at once, whatever the cooldown.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    WishDead,
    Thoughts,
    Method,
    Intent,
    Plan,
    Behaviour,
}

impl Question {
    pub const ALL: [Question; 6] = [
        Question::WishDead,
        Question::Thoughts,
        Question::Method,
        Question::Intent,
        Question::Plan,
        Question::Behaviour,
    ];

    /// 1–6, as numbered in the screener (and in button data).
    pub fn number(self) -> u8 {
        Question::ALL.iter().position(|q| *q == self).unwrap_or(0) as u8 + 1
    }

    pub fn from_number(n: u8) -> Option<Question> {
        Question::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    /// The database column.
    pub fn column(self) -> &'static str {
        ["q1", "q2", "q3", "q4", "q5", "q6"][usize::from(self.number() - 1)]
    }
}

/// The answers so far: `None` = not asked (yet).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Answers([Option<bool>; 6]);

impl Answers {
    pub fn get(&self, q: Question) -> Option<bool> {
        self.0[usize::from(q.number() - 1)]
    }

    pub fn set(&mut self, q: Question, yes: bool) {
        self.set_opt(q, Some(yes));
    }

    pub fn set_opt(&mut self, q: Question, v: Option<bool>) {
        self.0[usize::from(q.number() - 1)] = v;
    }

    /// The next question to ask, `None` once the screen is complete.
    pub fn next(&self) -> Option<Question> {
        let unasked = |q| self.get(q).is_none();
        if unasked(Question::WishDead) {
            return Some(Question::WishDead);
        }
        if unasked(Question::Thoughts) {
            return Some(Question::Thoughts);
        }
        if self.get(Question::Thoughts) == Some(true) {
            for q in [Question::Method, Question::Intent, Question::Plan] {
                if unasked(q) {
                    return Some(q);
                }
            }
        }
        unasked(Question::Behaviour).then_some(Question::Behaviour)
    }

    /// Whether `q` is the one to answer now (a stale or forged tap is not).
    pub fn expects(&self, q: Question) -> bool {
        self.next() == Some(q)
    }

    pub fn any_yes(&self) -> bool {
        self.0.contains(&Some(true))
    }

    /// A yes to intent, a plan, or preparatory behaviour: the highest risk in the screener,
    /// which gets direct, urgent words (call now; are you safe for the next hour; is someone
    /// with you).
    pub fn urgent(&self) -> bool {
        [Question::Intent, Question::Plan, Question::Behaviour]
            .iter()
            .any(|q| self.get(*q) == Some(true))
    }

    /// A yes to actual thoughts, method, intent, plan or preparatory behaviour.
    pub fn alerts_contacts(&self) -> bool {
        Question::ALL[1..]
            .iter()
            .any(|q| self.get(*q) == Some(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Question::*;

    fn answer(seq: &[bool]) -> Answers {
        let mut a = Answers::default();
        for yes in seq {
            let q = a.next().expect("a question left");
            a.set(q, *yes);
        }
        a
    }

    #[test]
    fn no_to_thoughts_skips_to_behaviour() {
        let a = answer(&[false, false]);
        assert_eq!(a.next(), Some(Behaviour));
        let a = answer(&[true, false, false]);
        assert_eq!(a.next(), None);
        assert!(a.any_yes(), "wishing to be dead is a yes: crisis line");
        assert!(!a.alerts_contacts(), "but not an alert to contacts");
    }

    #[test]
    fn yes_to_thoughts_asks_method_intent_plan_then_behaviour() {
        let mut a = answer(&[false, true]);
        assert!(a.alerts_contacts(), "alert as soon as thoughts are a yes");
        for q in [Method, Intent, Plan, Behaviour] {
            assert_eq!(a.next(), Some(q));
            assert!(a.expects(q));
            assert!(!a.expects(WishDead), "an old question is stale");
            a.set(q, false);
        }
        assert_eq!(a.next(), None);
    }

    #[test]
    fn preparatory_behaviour_alone_alerts() {
        let a = answer(&[false, false, true]);
        assert!(a.alerts_contacts());
        let none = answer(&[false, false, false]);
        assert!(!none.any_yes());
        assert!(!none.alerts_contacts());
    }

    #[test]
    fn intent_plan_or_preparation_is_urgent() {
        assert!(
            !answer(&[true, true, true]).urgent(),
            "thoughts and method alone"
        );
        assert!(answer(&[true, true, false, true]).urgent(), "intent");
        assert!(answer(&[false, true, false, false, true]).urgent(), "plan");
        assert!(answer(&[false, false, true]).urgent(), "preparation");
    }

    #[test]
    fn numbers_and_columns() {
        for (i, q) in Question::ALL.into_iter().enumerate() {
            assert_eq!(q.number() as usize, i + 1);
            assert_eq!(Question::from_number(q.number()), Some(q));
            assert_eq!(q.column(), format!("q{}", i + 1));
        }
        assert_eq!(Question::from_number(0), None);
        assert_eq!(Question::from_number(7), None);
    }
}
