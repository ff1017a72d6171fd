//! Inline keyboards and text as Telegram validates them.

use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub text: String,
    pub callback_data: Option<String>,
    pub url: Option<String>,
}

pub const TEXT_MAX_CHARS: usize = 4096;
pub const CALLBACK_DATA_MAX_BYTES: usize = 64;
pub const TOAST_MAX_CHARS: usize = 200;

/// Parses `reply_markup` (an object, or a JSON string as form bodies send it). Only inline
/// keyboards are modelled; other markups are accepted and not shown.
pub fn parse_keyboard(markup: Option<&Value>) -> Result<Vec<Vec<Button>>, String> {
    let Some(markup) = markup else {
        return Ok(vec![]);
    };
    let owned;
    let markup = match markup {
        Value::String(s) => {
            owned = serde_json::from_str::<Value>(s).map_err(|_| {
                "Bad Request: can't parse reply keyboard markup JSON object".to_string()
            })?;
            &owned
        }
        v => v,
    };
    let Some(rows) = markup.get("inline_keyboard") else {
        return Ok(vec![]);
    };
    let rows = rows
        .as_array()
        .ok_or("Bad Request: field \"inline_keyboard\" must be an Array")?;
    let mut out = Vec::new();
    for row in rows {
        let row = row
            .as_array()
            .ok_or("Bad Request: field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")?;
        let mut buttons = Vec::new();
        for b in row {
            let text = b.get("text").and_then(Value::as_str).unwrap_or("");
            if text.is_empty() {
                return Err("Bad Request: BUTTON_TEXT_EMPTY".into());
            }
            let callback_data = b.get("callback_data").and_then(Value::as_str);
            let url = b.get("url").and_then(Value::as_str);
            match (callback_data, url) {
                (Some(d), None) => {
                    if d.is_empty() || d.len() > CALLBACK_DATA_MAX_BYTES {
                        return Err("Bad Request: BUTTON_DATA_INVALID".into());
                    }
                }
                (None, Some(u)) => {
                    let ok = ["http://", "https://", "tg://"]
                        .iter()
                        .any(|p| u.starts_with(p))
                        && u.len() > 8;
                    if !ok {
                        return Err(format!(
                            "Bad Request: inline keyboard button URL '{u}' is invalid: Unsupported URL protocol"
                        ));
                    }
                }
                (None, None) => {
                    return Err("Bad Request: can't find field \"callback_data\"".into());
                }
                (Some(_), Some(_)) => return Err("Bad Request: BUTTON_TYPE_INVALID".into()),
            }
            buttons.push(Button {
                text: text.to_string(),
                callback_data: callback_data.map(str::to_string),
                url: url.map(str::to_string),
            });
        }
        out.push(buttons);
    }
    // Telegram drops empty rows; an all-empty keyboard removes the keyboard.
    out.retain(|r: &Vec<Button>| !r.is_empty());
    Ok(out)
}

pub fn to_json(keyboard: &[Vec<Button>]) -> Value {
    let rows: Vec<Value> = keyboard
        .iter()
        .map(|row| {
            Value::Array(
                row.iter()
                    .map(|b| match (&b.callback_data, &b.url) {
                        (Some(d), _) => json!({"text": b.text, "callback_data": d}),
                        (_, Some(u)) => json!({"text": b.text, "url": u}),
                        _ => json!({"text": b.text}),
                    })
                    .collect(),
            )
        })
        .collect();
    json!({ "inline_keyboard": rows })
}

/// Checks a message text the way Telegram does, after entity parsing.
pub fn check_text(text: &str, parse_mode: Option<&str>) -> Result<(), String> {
    let visible = match parse_mode.map(str::to_ascii_lowercase).as_deref() {
        Some("html") => strip_html(text)?,
        Some("markdownv2") => check_markdown_v2(text)?,
        _ => text.to_string(),
    };
    if visible.trim().is_empty() {
        return Err("Bad Request: message text is empty".into());
    }
    // Telegram counts UTF-16 code units.
    if visible.encode_utf16().count() > TEXT_MAX_CHARS {
        return Err("Bad Request: message is too long".into());
    }
    Ok(())
}

const HTML_TAGS: &[&str] = &[
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
];

/// Returns the visible text, or Telegram's "can't parse entities" error.
fn strip_html(text: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut stack: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        let offset = text.len() - rest.len() + i;
        let tail = &rest[i..];
        if tail.starts_with('&') {
            let end = tail.find(';').filter(|e| *e <= 10).ok_or_else(|| {
                format!("Bad Request: can't parse entities: Character '&' is reserved and must be escaped at byte offset {offset}")
            })?;
            let entity = &tail[1..end];
            out.push(match entity {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                _ if entity.starts_with('#') => '?',
                _ => {
                    return Err(format!(
                        "Bad Request: can't parse entities: Unsupported HTML entity \"&{entity};\" at byte offset {offset}"
                    ))
                }
            });
            rest = &tail[end + 1..];
            continue;
        }
        let end = tail.find('>').ok_or_else(|| {
            format!("Bad Request: can't parse entities: Unclosed start tag at byte offset {offset}")
        })?;
        let inner = &tail[1..end];
        let (closing, name) = match inner.strip_prefix('/') {
            Some(n) => (true, n.trim()),
            None => (false, inner.split_whitespace().next().unwrap_or("")),
        };
        let name = name.to_ascii_lowercase();
        if !HTML_TAGS.contains(&name.as_str()) {
            return Err(format!(
                "Bad Request: can't parse entities: Unsupported start tag \"{name}\" at byte offset {offset}"
            ));
        }
        if closing {
            if stack.pop().as_deref() != Some(name.as_str()) {
                return Err(format!(
                    "Bad Request: can't parse entities: Unmatched end tag at byte offset {offset}, expected \"</{}>\", found \"</{name}>\"",
                    stack.last().map_or("", String::as_str)
                ));
            }
        } else {
            stack.push(name);
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    if let Some(open) = stack.last() {
        return Err(format!(
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{open}\""
        ));
    }
    Ok(out)
}

fn check_markdown_v2(text: &str) -> Result<String, String> {
    const RESERVED: &str = "_*[]()~`>#+-=|{}.!";
    let mut escaped = false;
    let mut out = String::new();
    for (i, c) in text.char_indices() {
        if escaped {
            out.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if matches!(
            c,
            '.' | '!' | '-' | '+' | '=' | '#' | '>' | '|' | '{' | '}' | '(' | ')'
        ) && RESERVED.contains(c)
        {
            return Err(format!(
                "Bad Request: can't parse entities: Character '{c}' is reserved and must be escaped with the preceding '\\' at byte offset {i}"
            ));
        } else if !"*_~`[]".contains(c) {
            out.push(c);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_limits() {
        assert!(check_text("hi", None).is_ok());
        assert_eq!(
            check_text("  ", None),
            Err("Bad Request: message text is empty".into())
        );
        assert!(check_text(&"a".repeat(4096), None).is_ok());
        assert_eq!(
            check_text(&"a".repeat(4097), None),
            Err("Bad Request: message is too long".into())
        );
        // Emoji count twice in UTF-16.
        assert!(check_text(&"😀".repeat(2049), None).is_err());
    }

    #[test]
    fn html_is_checked() {
        assert!(check_text("<b>bold</b> &amp; fine", Some("HTML")).is_ok());
        assert!(check_text("1 < 2", Some("HTML")).is_err());
        assert!(check_text("<b>open", Some("HTML")).is_err());
        assert!(check_text("fish & chips", Some("HTML")).is_err());
        assert!(check_text("<script>x</script>", Some("HTML")).is_err());
    }

    #[test]
    fn markdown_v2_reserved_characters() {
        assert!(check_text("Done\\.", Some("MarkdownV2")).is_ok());
        assert!(check_text("Done.", Some("MarkdownV2")).is_err());
    }

    #[test]
    fn keyboards() {
        let ok = json!({"inline_keyboard": [[{"text": "a", "callback_data": "x"}], [{"text": "site", "url": "https://example.org"}]]});
        assert_eq!(parse_keyboard(Some(&ok)).unwrap().len(), 2);
        let long = json!({"inline_keyboard": [[{"text": "a", "callback_data": "x".repeat(65)}]]});
        assert_eq!(
            parse_keyboard(Some(&long)),
            Err("Bad Request: BUTTON_DATA_INVALID".into())
        );
        let tel = json!({"inline_keyboard": [[{"text": "call", "url": "tel:988"}]]});
        assert!(parse_keyboard(Some(&tel)).is_err());
        let as_string = Value::String(ok.to_string());
        assert_eq!(parse_keyboard(Some(&as_string)).unwrap().len(), 2);
        let empty = json!({"inline_keyboard": []});
        assert!(parse_keyboard(Some(&empty)).unwrap().is_empty());
    }
}
