//! How urgent a request is (P1–P4), and the cues MSSPs use to say so: a
//! field in a ticket, a word in the subject, a sentence in the body, or
//! nothing at all (then the kind of request suggests it).

use crate::rng::Rng;

/// P1 (act now) to P4 (for the record).
pub const PRIORITIES: [&str; 4] = ["P1", "P2", "P3", "P4"];

/// What a request of this type is when nothing in it says otherwise: an
/// analyst reading it without a cue would file it so.
pub fn usual(request_type: &str) -> &'static str {
    match request_type {
        "containment" | "device_lost" => "P2",
        "informational" => "P4",
        _ => "P3",
    }
}

/// Whether `text` (subject and body) carries one of `priority`'s cues in `language`.
pub fn has_cue(text: &str, language: &str, priority: &str) -> bool {
    let c = cues(language);
    let p = index(priority);
    let lower = text.to_lowercase();
    let found = |s: &&str| !s.trim().is_empty() && lower.contains(&s.trim().to_lowercase());
    c.subject_tags[p].iter().any(found) || c.sentences[p].iter().any(found) || c.ticket_field[p].iter().any(found)
}

/// A priority drawn from what requests of this type usually are.
pub fn draw(rng: &mut Rng, request_type: &str) -> &'static str {
    let weights: [usize; 4] = match request_type {
        "containment" => [45, 40, 15, 0],
        "device_lost" => [25, 45, 25, 5],
        "phishing" => [10, 35, 45, 10],
        "enrichment" => [5, 20, 55, 20],
        _ => [0, 5, 25, 70],
    };
    let mut roll = rng.below(100);
    for (p, w) in PRIORITIES.iter().zip(weights) {
        if roll < w {
            return p;
        }
        roll -= w;
    }
    "P3"
}

/// Cue sentences per priority, in one language.
pub struct Cues {
    pub subject_tags: [&'static [&'static str]; 4],
    pub sentences: [&'static [&'static str]; 4],
    /// The ticket system's priority field value.
    pub ticket_field: [&'static [&'static str]; 4],
}

pub fn cues(language: &str) -> &'static Cues {
    match language {
        "de" => &DE,
        "fr" => &FR,
        "es" => &ES,
        _ => &EN,
    }
}

/// Words that make a request urgent whatever else it says.
pub const URGENT_WORDS: &[&str] = &["urgent", "dringend", "urgente", "critical", "kritisch", "critique", "crítico", "asap", "immediately", "sofort"];

const EN: Cues = Cues {
    subject_tags: [
        &["[P1] ", "URGENT: ", "CRITICAL - ", "[Sev1] ", "Priority 1: ", "ACTION REQUIRED NOW: "],
        &["[P2] ", "[High] ", "High priority: ", "[Sev2] "],
        &["[P3] ", "[Medium] ", ""],
        &["[P4] ", "[Low] ", "FYI: ", "Low priority - "],
    ],
    sentences: [
        &[
            "This is a P1: we believe the attack is ongoing.",
            "Treat this as critical, please respond within 30 minutes.",
            "We are declaring a major incident; every minute counts.",
            "Ransomware is actively encrypting shares right now.",
            "Severity: critical. We need your answer immediately.",
            "Please drop everything and handle this first.",
            "Active data exfiltration is in progress.",
            "Our on-call lead asked me to escalate this as highest priority.",
        ],
        &[
            "Priority is high; please reply today.",
            "Severity: high. We would appreciate an answer within four hours.",
            "This is time-sensitive but not an emergency.",
            "We rate this high because the host holds finance data.",
            "Please look at this before end of business today.",
        ],
        &[
            "Priority is medium unless you tell us otherwise.",
            "Severity: medium. Confidence: high.",
            "The SLA for this priority is two business days.",
            "Normal priority, within the usual SLA is fine.",
        ],
        &[
            "Low priority, no rush at all.",
            "Whenever you get a chance is fine; this is not urgent.",
            "For your records only, nothing is needed quickly.",
            "Next week is perfectly fine for this.",
            "Severity: low / informational.",
            "Please handle this at your convenience.",
        ],
    ],
    ticket_field: [&["1 - Critical", "P1", "Critical"], &["2 - High", "P2", "High"], &["3 - Medium", "P3", "Normal"], &["4 - Low", "P4", "Low"]],
};

const DE: Cues = Cues {
    subject_tags: [&["[P1] ", "DRINGEND: ", "KRITISCH - "], &["[P2] ", "Hohe Priorität: "], &["[P3] ", ""], &["[P4] ", "Niedrige Priorität: ", "Zur Info: "]],
    sentences: [
        &[
            "Das ist ein P1-Vorfall, der Angriff läuft noch.",
            "Bitte sofort bearbeiten, wir brauchen eine Antwort in 30 Minuten.",
            "Ransomware verschlüsselt gerade Netzlaufwerke.",
            "Schweregrad: kritisch.",
        ],
        &["Die Priorität ist hoch, bitte heute noch antworten.", "Schweregrad: hoch. Eine Antwort innerhalb von vier Stunden wäre gut."],
        &["Die Priorität ist mittel.", "Normale Priorität, im üblichen SLA."],
        &["Niedrige Priorität, keine Eile.", "Nur zur Information, bitte bei Gelegenheit.", "Nächste Woche reicht völlig."],
    ],
    ticket_field: [&["1 - Kritisch", "P1"], &["2 - Hoch", "P2"], &["3 - Mittel", "P3"], &["4 - Niedrig", "P4"]],
};

const FR: Cues = Cues {
    subject_tags: [&["[P1] ", "URGENT : ", "CRITIQUE - "], &["[P2] ", "Priorité haute : "], &["[P3] ", ""], &["[P4] ", "Pour info : ", "Priorité basse : "]],
    sentences: [
        &[
            "C'est un incident P1, l'attaque est en cours.",
            "Merci de traiter immédiatement, réponse attendue sous 30 minutes.",
            "Un rançongiciel chiffre les partages en ce moment.",
            "Sévérité : critique.",
        ],
        &["La priorité est haute, merci de répondre aujourd'hui.", "Sévérité : haute. Une réponse sous quatre heures serait appréciée."],
        &["La priorité est moyenne.", "Priorité normale, dans le SLA habituel."],
        &["Priorité basse, rien ne presse.", "Pour information seulement, quand vous aurez le temps.", "La semaine prochaine convient très bien."],
    ],
    ticket_field: [&["1 - Critique", "P1"], &["2 - Haute", "P2"], &["3 - Moyenne", "P3"], &["4 - Basse", "P4"]],
};

const ES: Cues = Cues {
    subject_tags: [&["[P1] ", "URGENTE: ", "CRÍTICO - "], &["[P2] ", "Prioridad alta: "], &["[P3] ", ""], &["[P4] ", "Para información: ", "Prioridad baja: "]],
    sentences: [
        &[
            "Es un incidente P1, el ataque sigue activo.",
            "Por favor atiendan esto de inmediato, necesitamos respuesta en 30 minutos.",
            "Un ransomware está cifrando recursos compartidos ahora mismo.",
            "Severidad: crítica.",
        ],
        &["La prioridad es alta, por favor respondan hoy.", "Severidad: alta. Agradeceríamos respuesta en cuatro horas."],
        &["La prioridad es media.", "Prioridad normal, dentro del SLA habitual."],
        &["Prioridad baja, sin prisa.", "Solo para su información, cuando puedan.", "La semana que viene está bien."],
    ],
    ticket_field: [&["1 - Crítica", "P1"], &["2 - Alta", "P2"], &["3 - Media", "P3"], &["4 - Baja", "P4"]],
};

pub fn index(priority: &str) -> usize {
    PRIORITIES.iter().position(|p| *p == priority).unwrap_or(2)
}
