//! Inline keyboards in the project's own type: features build a `Keyboard` of `Button`s and
//! never touch teloxide; `reply` turns it into the Bot API's `InlineKeyboardMarkup` when it
//! sends. It serializes exactly as the Bot API's `reply_markup` (the outbox stores that JSON,
//! and rows queued before this type existed read back unchanged).

use serde::{Deserialize, Serialize};

/// An inline keyboard: rows of buttons.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyboard {
    pub inline_keyboard: Vec<Vec<Button>>,
}

/// One button: it either sends `callback_data` back to the bot or opens `url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Keyboard {
    pub fn new<R, B>(rows: R) -> Keyboard
    where
        R: IntoIterator<Item = B>,
        B: IntoIterator<Item = Button>,
    {
        Keyboard {
            inline_keyboard: rows.into_iter().map(|r| r.into_iter().collect()).collect(),
        }
    }

    /// The Bot API's type, for sending. A URL that does not parse (checked when the crisis
    /// table is loaded, so never in practice) drops its button rather than the message.
    pub fn to_telegram(&self) -> teloxide::types::InlineKeyboardMarkup {
        use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
        InlineKeyboardMarkup::new(self.inline_keyboard.iter().map(|row| {
            row.iter()
                .filter_map(|b| match (&b.callback_data, &b.url) {
                    (Some(data), _) => Some(InlineKeyboardButton::callback(&b.text, data)),
                    (None, Some(url)) => reqwest::Url::parse(url)
                        .ok()
                        .map(|u| InlineKeyboardButton::url(&b.text, u)),
                    (None, None) => None,
                })
                .collect::<Vec<_>>()
        }))
    }
}

impl Button {
    /// A button that sends `data` back when tapped.
    pub fn callback(text: impl Into<String>, data: impl Into<String>) -> Button {
        Button {
            text: text.into(),
            callback_data: Some(data.into()),
            url: None,
        }
    }

    /// A button that opens `url`.
    pub fn url(text: impl Into<String>, url: reqwest::Url) -> Button {
        Button {
            text: text.into(),
            callback_data: None,
            url: Some(url.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_the_bot_api_and_reads_what_teloxide_stored() {
        let ours = Keyboard::new([
            vec![Button::callback("Yes", "y"), Button::callback("No", "n")],
            vec![Button::url(
                "Call",
                reqwest::Url::parse("https://example.org/help").unwrap(),
            )],
        ]);
        let theirs = serde_json::to_value(ours.to_telegram()).unwrap();
        assert_eq!(serde_json::to_value(&ours).unwrap(), theirs);
        let back: Keyboard = serde_json::from_value(theirs).unwrap();
        assert_eq!(back, ours);
        assert_eq!(
            serde_json::to_string(&Keyboard::new([[Button::callback("A", "a")]])).unwrap(),
            r#"{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}"#
        );
    }
}
