//! The language the reply's fixed phrases are written in: the request's
//! own (English, German, French or Spanish), read from the words it uses
//! most, English when nothing stands out.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, schemars::JsonSchema, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    De,
    Fr,
    Es,
}

/// Frequent words that mark a language and are rare in the others.
const MARKERS: &[(Language, &[&str])] = &[
    (Language::En, &["the", "and", "please", "could", "you", "your", "did", "who", "is", "was", "any", "with", "from", "this", "thanks", "we", "of", "have"]),
    (
        Language::De,
        &[
            "der", "die", "das", "und", "bitte", "ist", "wer", "nicht", "mit", "von", "ein", "eine", "uns", "wir", "ihr", "ihre", "danke", "gibt", "auf",
            "für", "wurde", "können", "sie",
        ],
    ),
    (
        Language::Fr,
        &[
            "le", "la", "les", "et", "est", "qui", "pour", "vous", "votre", "nous", "merci", "une", "des", "sur", "avec", "dans", "pouvez", "du", "a-t-il",
            "bonjour", "pas",
        ],
    ),
    (
        Language::Es,
        &[
            "el", "los", "las", "y", "es", "quién", "quien", "para", "por", "usted", "su", "nosotros", "gracias", "una", "con", "en", "del", "puede", "pueden",
            "hola", "saludos", "qué",
        ],
    ),
];

/// The language of `text`: the one whose marker words occur most often
/// (twice as often as any other, and at least twice), else English.
pub fn detect(text: &str) -> Language {
    let words: Vec<String> =
        text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'')).filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).take(2000).collect();
    let mut scores: Vec<(Language, usize)> =
        MARKERS.iter().map(|(lang, markers)| (*lang, words.iter().filter(|w| markers.contains(&w.as_str())).count())).collect();
    scores.sort_by_key(|s| std::cmp::Reverse(s.1));
    match (scores.first(), scores.get(1)) {
        (Some((lang, best)), Some((_, second))) if *best >= 2 && *best > *second => *lang,
        _ => Language::En,
    }
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::De => "de",
            Language::Fr => "fr",
            Language::Es => "es",
        }
    }

    /// Its place in per-language tables: English, German, French, Spanish.
    pub fn index(self) -> usize {
        match self {
            Language::En => 0,
            Language::De => 1,
            Language::Fr => 2,
            Language::Es => 3,
        }
    }

    /// The day of the month as this language writes it before the month ("13." in German).
    pub fn day(self, day: u32) -> String {
        if self == Language::De { format!("{day}.") } else { day.to_string() }
    }

    /// Month abbreviations for dates in this language.
    pub fn months(self) -> [&'static str; 12] {
        match self {
            Language::En => ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
            Language::De => ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez."],
            Language::Fr => ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
            Language::Es => ["ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.", "dic."],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_read_in_their_language() {
        assert_eq!(detect("Hi team, who owns WKS-FIN-042 and did 203.0.113.7 hit your firewall?"), Language::En);
        assert_eq!(detect("Hallo, wer ist der Besitzer von WKS-FIN-042? Bitte prüfen, ob die IP bei uns auftaucht. Danke"), Language::De);
        assert_eq!(detect("Bonjour, qui est le propriétaire de WKS-FIN-042 ? Pouvez-vous vérifier les connexions vers 203.0.113.7 ? Merci"), Language::Fr);
        assert_eq!(detect("Hola, ¿quién es el responsable de WKS-FIN-042? ¿Pueden revisar las conexiones con 203.0.113.7? Gracias"), Language::Es);
        assert_eq!(detect("WKS-FIN-042 203.0.113.7"), Language::En, "no words: English");
    }
}
