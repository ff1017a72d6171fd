//! Which country a patient is in, from their time zone, using the tz database's own tables
//! (`zone.tab`, `zone1970.tab`, `iso3166.tab`, embedded from Debian's tzdata 2025b; public
//! domain). Telegram gives no location, and the crisis line must be the patient's country's.
//!
//! `backward` (from chrono-tz's copy of the tz source) maps old names (Asia/Calcutta) to
//! current ones.
//!
//! `zone.tab` names one country per zone (Europe/Madrid → ES, America/Puerto_Rico → PR);
//! `zone1970.tab` covers zones shared by several countries, where the first one listed is the
//! zone's own. A fixed UTC offset names no country.

use std::collections::HashMap;
use std::sync::OnceLock;

const ZONE_TAB: &str = include_str!("tzdata/zone.tab");
const ZONE1970_TAB: &str = include_str!("tzdata/zone1970.tab");
const ISO3166_TAB: &str = include_str!("tzdata/iso3166.tab");
const BACKWARD: &str = include_str!("tzdata/backward");

struct Tables {
    /// Zone name → ISO 3166 alpha-2 code.
    zone: HashMap<&'static str, &'static str>,
    /// Zone name → every country `zone1970.tab` lists for it.
    shared: HashMap<&'static str, usize>,
    /// Code → English name.
    names: HashMap<&'static str, &'static str>,
    /// Old zone name → current one.
    links: HashMap<&'static str, &'static str>,
}

fn data_lines(tab: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    tab.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut zone = HashMap::new();
        let mut shared = HashMap::new();
        // zone1970 first, so that zone.tab's one-country answer wins where both name a zone.
        for cols in data_lines(ZONE1970_TAB) {
            if let (Some(codes), Some(name)) = (cols.first(), cols.get(2)) {
                let code = codes.split(',').next().unwrap_or(codes);
                zone.insert(*name, code);
                shared.insert(*name, codes.split(',').count());
            }
        }
        for cols in data_lines(ZONE_TAB) {
            if let (Some(code), Some(name)) = (cols.first(), cols.get(2)) {
                zone.insert(*name, *code);
            }
        }
        let names = data_lines(ISO3166_TAB)
            .filter_map(|cols| Some((*cols.first()?, *cols.get(1)?)))
            .collect();
        let links = BACKWARD
            .lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                (w.next()? == "Link").then_some(())?;
                let target = w.next()?;
                Some((w.next()?, target))
            })
            .collect();
        Tables {
            zone,
            shared,
            names,
            links,
        }
    })
}

/// The country of an IANA zone name, if the tz database names one. An old name (a `backward`
/// link) counts only when its current zone belongs to one country: Europe/Berlin also serves
/// Svalbard, so Atlantic/Jan_Mayen names none, and neither do EST, CET or WET. Where no country
/// is certain, none is given and the patient is asked, rather than shown a wrong crisis line.
pub fn of_zone(name: &str) -> Option<&'static str> {
    let t = tables();
    if let Some(code) = t.zone.get(name) {
        return Some(code);
    }
    // A zone that is also a country's name: Japan, Iceland, Portugal, Singapore...
    if !name.contains('/') {
        let wanted = fold(name);
        if let Some((code, _)) = t.names.iter().find(|(_, n)| fold(n) == wanted) {
            return Some(code);
        }
        return match name {
            "GB" | "GB-Eire" => Some("GB"),
            "Eire" => Some("IE"),
            "NZ" => Some("NZ"),
            "PRC" => Some("CN"),
            "ROC" => Some("TW"),
            "ROK" => Some("KR"),
            _ => None,
        };
    }
    let target = t.links.get(name)?;
    match t.shared.get(target) {
        Some(1) | None => t.zone.get(target).copied(),
        Some(_) => None,
    }
}

/// Whether `code` is an ISO 3166 alpha-2 code the tz database knows.
pub fn is_code(code: &str) -> bool {
    tables().names.contains_key(code)
}

/// The English name of a country code ("ES" → "Spain").
pub fn english_name(code: &str) -> Option<&'static str> {
    tables().names.get(code).copied()
}

/// Lower case, accents off, only letters and digits: for matching typed country names.
pub fn fold(text: &str) -> String {
    crate::domain::crisis::fold_accents(&text.to_lowercase())
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// A country typed by a person: its code ("es", "MX") or its English name ("Japan",
/// "united kingdom"). Names in other languages are matched by the caller against its table.
pub fn parse(text: &str) -> Option<&'static str> {
    let t = text.trim();
    let upper = t.to_ascii_uppercase();
    if upper.len() == 2 {
        if let Some((code, _)) = tables().names.get_key_value(upper.as_str()) {
            return Some(code);
        }
    }
    let wanted = fold(t);
    if wanted.is_empty() {
        return None;
    }
    match wanted.as_str() {
        "uk" | "unitedkingdom" | "england" | "scotland" | "wales" | "northernireland"
        | "greatbritain" | "britain" => return Some("GB"),
        "usa" | "unitedstatesofamerica" | "america" => return Some("US"),
        _ => {}
    }
    tables()
        .names
        .iter()
        .find(|(_, name)| fold(name) == wanted)
        .map(|(code, _)| *code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_name_their_country() {
        for (zone, code) in [
            ("Europe/Madrid", "ES"),
            ("Atlantic/Canary", "ES"),
            ("America/Mexico_City", "MX"),
            ("America/Bogota", "CO"),
            ("America/Argentina/Buenos_Aires", "AR"),
            ("Europe/London", "GB"),
            ("Europe/Dublin", "IE"),
            ("Europe/Berlin", "DE"),
            ("America/New_York", "US"),
            ("America/Toronto", "CA"),
            ("America/Puerto_Rico", "PR"),
            ("America/Santo_Domingo", "DO"),
            ("Australia/Sydney", "AU"),
            ("Pacific/Auckland", "NZ"),
            ("Asia/Kolkata", "IN"),
            ("Europe/Amsterdam", "NL"),
            ("Europe/Oslo", "NO"),
            ("Asia/Tokyo", "JP"),
            // Old names chrono-tz still parses.
            ("America/Buenos_Aires", "AR"),
            ("US/Eastern", "US"),
            ("Mexico/General", "MX"),
            ("Asia/Calcutta", "IN"),
            ("Europe/Kiev", "UA"),
            ("Iceland", "IS"),
            ("Japan", "JP"),
            ("Eire", "IE"),
        ] {
            assert_eq!(of_zone(zone), Some(code), "{zone}");
        }
        assert_eq!(of_zone("Etc/UTC"), None);
        // Old names whose current zone serves several countries name none: the patient is
        // asked instead of shown another country's line.
        for zone in [
            "EST",
            "CET",
            "MET",
            "WET",
            "EET",
            "Atlantic/Jan_Mayen",
            "America/Coral_Harbour",
        ] {
            assert_eq!(of_zone(zone), None, "{zone}");
        }
        assert_eq!(of_zone("UTC"), None);
    }

    #[test]
    fn every_current_zone_chrono_tz_knows_under_a_region_has_a_country() {
        let t = tables();
        let missing: Vec<&str> = chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| tz.name())
            .filter(|n| !t.links.contains_key(n))
            .filter(|n| {
                ["Europe/", "America/", "Asia/", "Africa/", "Australia/"]
                    .iter()
                    .any(|p| n.starts_with(p))
            })
            .filter(|n| of_zone(n).is_none())
            .collect();
        assert!(missing.is_empty(), "zones without a country: {missing:?}");
    }

    #[test]
    fn typed_countries() {
        assert_eq!(parse("es"), Some("ES"));
        assert_eq!(parse(" MX "), Some("MX"));
        assert_eq!(parse("Japan"), Some("JP"));
        assert_eq!(parse("united kingdom"), Some("GB"));
        assert_eq!(parse("UK"), Some("GB"));
        assert_eq!(parse("Narnia"), None);
        assert_eq!(parse(""), None);
        assert!(is_code("UY"));
        assert!(!is_code("XX"));
        assert_eq!(english_name("ES"), Some("Spain"));
    }
}
