//! Uploads: `sendPhoto`, `sendDocument` and `editMessageMedia`, with Telegram's limits (10 MB
//! for a photo, 50 MB for a document, 1,024 characters of caption) and its refusal of a photo
//! that is not an image.

use super::*;

const PHOTO_MAX_BYTES: usize = 10 * 1024 * 1024;
const DOCUMENT_MAX_BYTES: usize = 50 * 1024 * 1024;
const CAPTION_MAX_CHARS: usize = 1024;

pub(super) fn send_file(s: &mut State, p: &Params, files: &Files, kind: &'static str) -> Reply {
    let chat = match target_chat(s, p) {
        Ok(c) => c,
        Err(r) => return r,
    };
    // The file is the field itself, or a field it names with `attach://<name>` (teloxide's way).
    let field = string(p, kind)
        .and_then(|v| v.strip_prefix("attach://"))
        .unwrap_or(kind);
    let (file_name, bytes, caption) = match checked(
        files,
        field,
        kind,
        string(p, "caption"),
        string(p, "parse_mode"),
    ) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let keyboard = match parse_keyboard(p.get("reply_markup")) {
        Ok(k) => k,
        Err(e) => return bad_request(e),
    };
    let protected = matches!(p.get("protect_content"), Some(Value::Bool(true)))
        || string(p, "protect_content") == Some("true");
    let date = s.date_in(chat);
    let message_id = crate::next_message_id(s, chat);
    let msg = ChatMessage {
        message_id,
        from_bot: true,
        text: caption.to_string(),
        keyboard,
        edits: 0,
        date,
        edit_date: None,
        attachment: Some(crate::Attachment {
            kind,
            file_name,
            bytes,
            protected,
        }),
    };
    let json = result_message(s, chat, &msg);
    if !s.no_transcripts {
        s.chats.entry(chat).or_default().push(msg);
    }
    ok(json)
}

/// The upload in `field` with its caption, checked as Telegram checks them: (file name, bytes,
/// caption).
fn checked(
    files: &Files,
    field: &str,
    kind: &str,
    caption: Option<&str>,
    parse_mode: Option<&str>,
) -> Result<(String, Vec<u8>, String), Reply> {
    let Some((file_name, bytes)) = files.get(field) else {
        return Err(bad_request(format!(
            "Bad Request: there is no {kind} in the request"
        )));
    };
    let max = if kind == "photo" {
        PHOTO_MAX_BYTES
    } else {
        DOCUMENT_MAX_BYTES
    };
    if bytes.len() > max {
        return Err(error(413, "Request Entity Too Large"));
    }
    if bytes.is_empty() {
        return Err(bad_request("Bad Request: file must be non-empty"));
    }
    let image = bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.starts_with(&[0xff, 0xd8, 0xff]);
    if kind == "photo" && !image {
        return Err(bad_request("Bad Request: IMAGE_PROCESS_FAILED"));
    }
    let caption = caption.unwrap_or("");
    if caption.chars().count() > CAPTION_MAX_CHARS {
        return Err(bad_request("Bad Request: message caption is too long"));
    }
    // A caption may be left out; one given is checked like a message's text.
    if !caption.is_empty() {
        check_text(caption, parse_mode).map_err(bad_request)?;
    }
    Ok((file_name.clone(), bytes.to_vec(), caption.to_string()))
}

/// `editMessageMedia`: a new photo or document, with its caption, in a message that has one.
/// `protect_content` stays as it was sent.
pub(super) fn edit_media(s: &mut State, p: &Params, files: &Files) -> Reply {
    let chat = match target_chat(s, p) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let id = int(p, "message_id").unwrap_or(0) as i32;
    // `media` is an InputMedia object, sent as a JSON string in a multipart body.
    let media = match p.get("media") {
        Some(Value::String(text)) => serde_json::from_str::<Value>(text).ok(),
        Some(v @ Value::Object(_)) => Some(v.clone()),
        _ => None,
    };
    let Some(media) = media else {
        return bad_request("Bad Request: can't parse InputMedia: media is not specified");
    };
    let kind = match media["type"].as_str() {
        Some("photo") => "photo",
        Some("document") => "document",
        _ => return bad_request("Bad Request: can't parse InputMedia: unsupported media type"),
    };
    let Some(field) = media["media"]
        .as_str()
        .and_then(|m| m.strip_prefix("attach://"))
    else {
        // A file_id or a URL: this fake keeps no files to refer to.
        return bad_request("Bad Request: wrong file identifier/HTTP URL specified");
    };
    let (file_name, bytes, caption) = match checked(
        files,
        field,
        kind,
        media["caption"].as_str(),
        media["parse_mode"].as_str(),
    ) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let keyboard = match parse_keyboard(p.get("reply_markup")) {
        Ok(k) => k,
        Err(e) => return bad_request(e),
    };
    let date = s.date_in(chat);
    let msg = match bot_message_mut(s, chat, id) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let Some(old) = &msg.attachment else {
        return bad_request("Bad Request: there is no media in the message to edit");
    };
    msg.attachment = Some(crate::Attachment {
        kind,
        file_name,
        bytes,
        protected: old.protected,
    });
    msg.text = caption;
    msg.keyboard = keyboard;
    msg.edits += 1;
    msg.edit_date = Some(date);
    let msg = msg.clone();
    ok(result_message(s, chat, &msg))
}
