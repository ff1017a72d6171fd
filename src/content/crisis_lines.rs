//! Crisis lines by country, `prompts/crisis-lines.toml`: for each country (ISO 3166 code) the
//! crisis line's name in the local language, its number, whether it takes texts, a https link,
//! the emergency number, and the public source each was checked against, with the date.
//!
//! The operator's `CRISIS_*` settings are the fallback for any country not in the table.
//! Loading validates every entry and names the file, the line and the country of a problem.

use super::{line_of, parse_toml, read};
use crate::content::ContentError;
use crate::domain::country;
use crate::domain::crisis::CrisisLine;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "crisis-lines.toml";

#[derive(Debug, Clone)]
pub struct Country {
    /// ISO 3166 alpha-2, upper case.
    pub code: String,
    /// Language code → the country's name in that language.
    pub names: BTreeMap<String, String>,
    pub line: CrisisLine,
    pub source: String,
    /// When the entry was last checked (YYYY-MM-DD).
    pub checked: String,
}

#[derive(Debug, Clone, Default)]
pub struct CrisisLines {
    countries: BTreeMap<String, Country>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    country: Vec<toml::Spanned<RawCountry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCountry {
    code: String,
    name: BTreeMap<String, String>,
    line: String,
    number: String,
    text: bool,
    open_24h: bool,
    url: String,
    emergency: String,
    source: String,
    checked: String,
    #[serde(default)]
    #[allow(dead_code)]
    notes: String,
}

/// A number as people dial it: digits, with spaces, dashes, `+`, `*` or `#`.
fn dialable(number: &str) -> bool {
    number.bytes().any(|b| b.is_ascii_digit())
        && number
            .bytes()
            .all(|b| b.is_ascii_digit() || b" -+*#".contains(&b))
        && number.trim() == number
}

fn valid_date(d: &str) -> bool {
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()
}

impl CrisisLines {
    /// Loads `<dir>/crisis-lines.toml`, requiring a country name in each of `languages`.
    pub fn load(dir: &Path, languages: &[&str]) -> Result<CrisisLines, Vec<ContentError>> {
        let file = dir.join(FILE_NAME);
        let source = read(&file)?;
        CrisisLines::parse(&file, &source, languages)
    }

    pub fn parse(
        file: &Path,
        source: &str,
        languages: &[&str],
    ) -> Result<CrisisLines, Vec<ContentError>> {
        let raw: RawFile = parse_toml(file, source)?;
        let mut errors = Vec::new();
        let mut countries = BTreeMap::new();
        for entry in raw.country {
            let line = Some(line_of(source, entry.span().start));
            let r = entry.into_inner();
            let code = r.code.clone();
            let mut problem = |p: String| {
                errors.push(ContentError {
                    file: PathBuf::from(file),
                    line,
                    key: Some(format!("country {code}")),
                    problem: p,
                })
            };
            let before = countries.len();
            let mut ok = true;
            let mut bad = |p: String| {
                ok = false;
                problem(p)
            };
            if !(r.code.len() == 2 && country::is_code(&r.code)) {
                bad("`code` is not an ISO 3166 country code in capitals (like ES or MX)".into());
            }
            if countries.contains_key(&r.code) {
                bad("the country is listed twice".into());
            }
            for lang in languages {
                if r.name.get(*lang).is_none_or(|n| n.trim().is_empty()) {
                    bad(format!("has no name in `{lang}` (name.{lang} = \"...\")"));
                }
            }
            if r.line.trim().is_empty() {
                bad("`line` (the crisis line's name) is empty".into());
            }
            if !dialable(&r.number) {
                bad(format!(
                    "`number` \"{}\" is not a phone number (digits, spaces, - + * #)",
                    r.number
                ));
            }
            if !dialable(&r.emergency) {
                bad(format!(
                    "`emergency` \"{}\" is not a phone number (digits, spaces, - + * #)",
                    r.emergency
                ));
            }
            if !(r.url.starts_with("https://") && reqwest::Url::parse(&r.url).is_ok()) {
                bad(format!(
                    "`url` \"{}\" must be a https:// link (Telegram buttons open web links only)",
                    r.url
                ));
            }
            if !r.source.contains("https://") {
                bad(
                    "`source` must name where the numbers were checked, with a https:// link"
                        .into(),
                );
            }
            if !valid_date(&r.checked) {
                bad(format!(
                    "`checked` \"{}\" is not a date like 2026-12-01",
                    r.checked
                ));
            }
            if ok && countries.len() == before {
                countries.insert(
                    r.code.clone(),
                    Country {
                        code: r.code,
                        names: r.name,
                        line: CrisisLine {
                            name: r.line,
                            number: r.number,
                            url: r.url,
                            emergency_number: r.emergency,
                            can_text: r.text,
                            always_open: r.open_24h,
                        },
                        source: r.source,
                        checked: r.checked,
                    },
                );
            }
        }
        if errors.is_empty() {
            Ok(CrisisLines { countries })
        } else {
            Err(errors)
        }
    }

    pub fn get(&self, code: &str) -> Option<&Country> {
        self.countries.get(code)
    }

    pub fn len(&self) -> usize {
        self.countries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.countries.is_empty()
    }

    /// Every country in the table, by code.
    pub fn all(&self) -> impl Iterator<Item = &Country> {
        self.countries.values()
    }

    /// A country's name in `lang`: the table's, else the tz database's English one.
    pub fn name(&self, code: &str, lang: &str) -> String {
        self.countries
            .get(code)
            .and_then(|c| {
                c.names
                    .get(lang)
                    .or_else(|| c.names.get(crate::content::DEFAULT_LANGUAGE))
            })
            .cloned()
            .or_else(|| country::english_name(code).map(str::to_string))
            .unwrap_or_else(|| code.to_string())
    }

    /// A country typed by a person: a code, a name from the table in any language ("España",
    /// "mexico"), or an English name from the tz database ("Japan").
    pub fn parse_typed(&self, text: &str) -> Option<String> {
        let wanted = country::fold(text);
        if wanted.is_empty() {
            return None;
        }
        self.countries
            .values()
            .find(|c| c.names.values().any(|n| country::fold(n) == wanted))
            .map(|c| c.code.clone())
            .or_else(|| country::parse(text).map(str::to_string))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[country]]
code = "ES"
name = { en = "Spain", es = "España" }
line = "Línea 024"
number = "024"
text = false
open_24h = true
url = "https://www.sanidad.gob.es/linea024/"
emergency = "112"
source = "Ministerio de Sanidad, https://www.sanidad.gob.es/linea024/"
checked = "2026-12-01"
"#;

    fn parse(s: &str) -> Result<CrisisLines, Vec<ContentError>> {
        CrisisLines::parse(Path::new("prompts/crisis-lines.toml"), s, &["en", "es"])
    }

    #[test]
    fn a_good_entry_loads_and_names_itself() {
        let t = parse(GOOD).unwrap();
        let es = t.get("ES").unwrap();
        assert_eq!(es.line.number, "024");
        assert_eq!(es.line.emergency_number, "112");
        assert!(!es.line.can_text);
        assert_eq!(t.name("ES", "es"), "España");
        assert_eq!(t.name("ES", "fr"), "Spain");
        assert_eq!(t.name("JP", "es"), "Japan");
        assert_eq!(t.parse_typed("espana").as_deref(), Some("ES"));
        assert_eq!(t.parse_typed("Japan").as_deref(), Some("JP"));
    }

    #[test]
    fn each_problem_names_line_and_country() {
        for (from, to, what) in [
            ("code = \"ES\"", "code = \"XX\"", "ISO 3166"),
            (
                "number = \"024\"",
                "number = \"call us\"",
                "not a phone number",
            ),
            ("number = \"024\"", "number = \"\"", "not a phone number"),
            (
                "emergency = \"112\"",
                "emergency = \"x\"",
                "not a phone number",
            ),
            (
                "url = \"https://www.sanidad.gob.es/linea024/\"",
                "url = \"http://example.org\"",
                "https",
            ),
            (
                "source = \"Ministerio de Sanidad, https://www.sanidad.gob.es/linea024/\"",
                "source = \"I think so\"",
                "source",
            ),
            (
                "checked = \"2026-12-01\"",
                "checked = \"yesterday\"",
                "date",
            ),
            (", es = \"España\"", "", "no name in `es`"),
        ] {
            let broken = GOOD.replace(from, to);
            let errs = parse(&broken).unwrap_err();
            assert_eq!(errs.len(), 1, "{what}: {errs:?}");
            assert_eq!(errs[0].line, Some(2), "{what}");
            let key = errs[0].key.as_deref().unwrap();
            assert!(key == "country ES" || key == "country XX", "{what}: {key}");
            assert!(
                errs[0].problem.contains(what),
                "{what}: {}",
                errs[0].problem
            );
        }
        let twice = format!("{GOOD}{GOOD}");
        assert!(parse(&twice).unwrap_err()[0].problem.contains("twice"));
        let missing = GOOD.replace("open_24h = true\n", "");
        assert!(parse(&missing).is_err());
    }
}
