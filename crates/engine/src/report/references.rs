//! The MSSP's own reference for a request, read from its subject
//! (`[EMSS-REQ-4410]`, `Case #12345`, `INC0012345`, `Ticket: SR-778`), so
//! the reply can repeat it beside ours.

use regex::Regex;
use std::sync::LazyLock;

static BRACKETED: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"[\[(]\s*([A-Za-z][A-Za-z0-9]*(?:[-_#:][A-Za-z0-9]+)*-?\d[A-Za-z0-9-]*)\s*[\])]").ok());
static LABELLED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:case|ticket|ref(?:erence)?|incident|request|req|fall|vorgang|dossier|caso|ticket)\s*(?:no\.?|nr\.?|n°|id)?\s*[#:]?\s*([A-Za-z]{0,8}[-_]?\d[A-Za-z0-9-]{2,})").ok()
});
static SERVICE_NOW: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\b((?:INC|RITM|REQ|SIR|CS|SEC)\d{6,})\b").ok());

/// The MSSP's reference in `subject`, unless it is our own (`DB-…`) or one
/// of the indicators the request asks about (`(WKS-FIN-042)` is a host).
pub fn mssp_reference(subject: &str, ours: &str, indicators: &std::collections::HashSet<String>) -> Option<String> {
    let candidates = [&*BRACKETED, &*SERVICE_NOW, &*LABELLED];
    candidates
        .iter()
        .filter_map(|re| re.as_ref())
        .flat_map(|re| re.captures_iter(subject).filter_map(|c| c.get(1)).map(|m| m.as_str().trim_matches(['#', ':', '-']).to_string()))
        .find(|r| {
            r.len() >= 3
                && r.len() <= 40
                && !r.eq_ignore_ascii_case(ours)
                && !r.to_ascii_uppercase().starts_with("DB-")
                && !r.starts_with("TLP")
                && !indicators.contains(&r.to_lowercase())
        })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    fn mssp_reference(subject: &str, ours: &str) -> Option<String> {
        super::mssp_reference(subject, ours, &HashSet::new())
    }

    #[test]
    fn an_indicator_in_brackets_is_not_a_reference() {
        let asked: HashSet<String> = ["wks-fin-042".to_string()].into();
        assert_eq!(super::mssp_reference("Who owns this (WKS-FIN-042)?", "DB-7", &asked), None);
        assert_eq!(super::mssp_reference("[CASE-1234] Who owns this (WKS-FIN-042)?", "DB-7", &asked).as_deref(), Some("CASE-1234"));
    }

    #[test]
    fn the_mssps_reference_is_found_in_the_usual_places() {
        assert_eq!(mssp_reference("[EMSS-REQ-4410] Large uploads from LT-ENG-0530", "DB-7").as_deref(), Some("EMSS-REQ-4410"));
        assert_eq!(mssp_reference("Re: Case #48213 - who owns WKS-FIN-042?", "DB-7").as_deref(), Some("48213"));
        assert_eq!(mssp_reference("INC0012345 suspicious logon", "DB-7").as_deref(), Some("INC0012345"));
        assert_eq!(mssp_reference("Vorgang Nr. SR-7781: Anmeldung von CORP\\palves", "DB-7").as_deref(), Some("SR-7781"));
        assert_eq!(mssp_reference("Re: Who owns WKS-FIN-042? [DB-7]", "DB-7"), None, "our own reference is not theirs");
        assert_eq!(mssp_reference("Who owns WKS-FIN-042?", "DB-7"), None);
    }
}
