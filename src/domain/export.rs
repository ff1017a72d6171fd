//! The patient's data as files they can keep: CSV cells written safely for spreadsheets.

/// One CSV field. Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return) gets a leading apostrophe; a field with a comma, quote or
/// line break is quoted. Numbers are written by `number`, never guarded, so they stay numbers.
pub fn text(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// A number field (empty when there is none).
pub fn number(value: Option<impl std::fmt::Display>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// One CSV line (RFC 4180: CRLF).
pub fn line(fields: &[String]) -> String {
    let mut s = fields.join(",");
    s.push_str("\r\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_guarded_and_numbers_stay_numbers() {
        assert_eq!(text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text("+1 234"), "'+1 234");
        assert_eq!(text("-2"), "'-2");
        assert_eq!(text("@home"), "'@home");
        assert_eq!(text("a, b"), "\"a, b\"");
        assert_eq!(text("two\nlines"), "\"two\nlines\"");
        assert_eq!(text("plain"), "plain");
        assert_eq!(number(Some(7)), "7");
        assert_eq!(number(Some(7.5)), "7.5");
        assert_eq!(number(None::<i64>), "");
        assert_eq!(line(&["a".into(), "".into(), "3".into()]), "a,,3\r\n");
    }
}
