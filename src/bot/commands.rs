//! Commands as typed: `/start`, `/checkin@SomeBot`, the Spanish aliases.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Start,
    Checkin,
    Help,
    Crisis,
    Delete,
    Schedule,
    Pause,
    Resume,
    Quiet,
    Sos,
    Language,
    Contact,
    SafetyPlan,
    Patients,
    Stop,
    Country,
    Progress,
    Notes,
    History,
    Export,
    Unknown,
}

/// `/start`, `/start payload`, `/checkin@SomeBot` → the command; plain text → `None`.
pub fn parse_command(text: &str) -> Option<Command> {
    let first = text.split_whitespace().next()?;
    let name = first.strip_prefix('/')?;
    let name = name.split('@').next().unwrap_or(name).to_ascii_lowercase();
    Some(match name.as_str() {
        "start" => Command::Start,
        "checkin" | "check" => Command::Checkin,
        "help" => Command::Help,
        "crisis" => Command::Crisis,
        "sos" => Command::Sos,
        "language" | "lang" | "idioma" => Command::Language,
        "delete" => Command::Delete,
        "schedule" => Command::Schedule,
        "pause" => Command::Pause,
        "resume" => Command::Resume,
        "quiet" => Command::Quiet,
        "contact" | "contacts" | "contacto" => Command::Contact,
        "safetyplan" | "plan" => Command::SafetyPlan,
        "patients" => Command::Patients,
        "stop" => Command::Stop,
        "country" | "pais" | "país" => Command::Country,
        "progress" | "stats" | "progreso" | "estadisticas" | "estadísticas" => Command::Progress,
        "notes" | "notas" => Command::Notes,
        "history" | "historial" | "chart" | "grafico" | "gráfico" => Command::History,
        "export" | "exportar" => Command::Export,
        _ => Command::Unknown,
    })
}

/// `/checkin yesterday`, `/checkin ayer`: the word after the command asks to fill in yesterday.
pub fn means_yesterday(text: &str) -> bool {
    let Some(word) = text.split_whitespace().nth(1) else {
        return false;
    };
    let word = word.trim_end_matches(['.', '!']).to_lowercase();
    matches!(word.as_str(), "yesterday" | "yday" | "ayer")
}

/// The bot a command names, if any: `/checkin@SomeBot` → `SomeBot`.
pub fn command_target(text: &str) -> Option<&str> {
    let first = text.split_whitespace().next()?;
    first.strip_prefix('/')?.split_once('@').map(|(_, bot)| bot)
}

/// The deep-link payload of `/start <payload>`, if any.
pub fn start_payload(text: &str) -> Option<&str> {
    let mut words = text.split_whitespace();
    words.next()?;
    words.next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands() {
        assert_eq!(parse_command("/start"), Some(Command::Start));
        assert_eq!(parse_command("/start abc123"), Some(Command::Start));
        assert_eq!(
            parse_command("/CheckIn@recovery_bot"),
            Some(Command::Checkin)
        );
        assert_eq!(parse_command("  /help"), Some(Command::Help));
        assert_eq!(parse_command("/crisis"), Some(Command::Crisis));
        assert_eq!(parse_command("/sos"), Some(Command::Sos));
        assert_eq!(parse_command("/language es"), Some(Command::Language));
        assert_eq!(parse_command("/idioma"), Some(Command::Language));
        assert_eq!(parse_command("/whatever"), Some(Command::Unknown));
        assert_eq!(command_target("/checkin@OtherBot now"), Some("OtherBot"));
        assert_eq!(command_target("/checkin"), None);
        assert_eq!(command_target("mail me @ home"), None);
        assert_eq!(parse_command("hello /start"), None);
        assert_eq!(parse_command("7"), None);
        assert_eq!(parse_command(""), None);
        assert_eq!(parse_command("/contact"), Some(Command::Contact));
        assert_eq!(parse_command("/safetyplan"), Some(Command::SafetyPlan));
        assert_eq!(parse_command("/patients"), Some(Command::Patients));
        assert_eq!(parse_command("/stop"), Some(Command::Stop));
        assert_eq!(parse_command("/stats"), Some(Command::Progress));
        assert_eq!(parse_command("/progreso"), Some(Command::Progress));
        assert_eq!(parse_command("/notas"), Some(Command::Notes));
        assert_eq!(parse_command("/history"), Some(Command::History));
        assert_eq!(parse_command("/historial"), Some(Command::History));
        assert_eq!(parse_command("/exportar"), Some(Command::Export));
        assert!(means_yesterday("/checkin yesterday"));
        assert!(means_yesterday("/checkin@SomeBot  Ayer "));
        assert!(means_yesterday("/check YESTERDAY!"));
        assert!(!means_yesterday("/checkin today"));
        assert!(!means_yesterday("/checkin"));
        assert_eq!(start_payload("/start abc"), Some("abc"));
        assert_eq!(start_payload("/start"), None);
    }
}
