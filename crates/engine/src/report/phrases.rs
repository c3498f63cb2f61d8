//! The reply's fixed phrases in the request's language (English, German,
//! French, Spanish). Values and field labels are not translated; the words
//! around them are. `{…}` marks a place the renderer fills.

use super::language::Language;
use super::model::DataClass;
use super::tlp::Tlp;
use drawbridge_model::Kind;

/// Every fixed phrase of the reply, in one language.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Phrases {
    pub your_reference: &'static str,
    pub our_reference: &'static str,
    pub summary: &'static str,
    pub details: &'static str,
    /// `{start}`, `{end}`.
    pub window: &'static str,
    /// `{sources}`.
    pub could_not_check: &'static str,
    pub not_connected: &'static str,
    pub no_answer: &'static str,
    pub refused: &'static str,
    pub cannot_query: &'static str,
    pub internal_error: &'static str,
    pub no_records: &'static str,
    /// `{n}`, `{classes}`.
    pub withheld: &'static str,
    /// `{classes}`: one field.
    pub withheld_one: &'static str,
    /// An indicator no source could be asked about.
    pub not_checked: &'static str,
    pub redacted: &'static str,
    pub asked_before: &'static str,
    /// `{indicator}`, `{reference}`, `{date}`.
    pub asked_before_item: &'static str,
    /// `{schema}`.
    pub attachment: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    /// `{n}`.
    pub events: &'static str,
    /// `{n}`.
    pub firewall_entries: &'static str,
    /// `{first}`, `{last}`.
    pub between: &'static str,
    pub owner: &'static str,
    pub account_disabled: &'static str,
    pub account_enabled: &'static str,
    pub locked_out: &'static str,
    pub last_logon: &'static str,
    /// `{n}`.
    pub from_hosts: &'static str,
    pub nothing_found: &'static str,
    pub no_indicator: &'static str,
    /// An indicator the analyst marked "do not disclose".
    pub not_disclosed: &'static str,
    /// An outside source not asked: the value must stay inside.
    pub not_sent_outside: &'static str,
    /// The heading of an indicator's verdict.
    pub verdict: &'static str,
    /// The verdicts: malicious, suspicious, clean, unknown.
    pub verdicts: [&'static str; 4],
}

pub fn phrases(lang: Language) -> Phrases {
    match lang {
        Language::En => Phrases {
            your_reference: "Your reference",
            our_reference: "Our reference",
            summary: "Summary",
            details: "Details",
            window: "Period searched: {start} to {end}.",
            could_not_check: "Could not check: {sources}.",
            not_connected: "not connected",
            no_answer: "did not answer",
            refused: "refused the query",
            cannot_query: "could not be queried for this value",
            internal_error: "internal error",
            no_records: "no records",
            withheld: "{n} fields withheld or masked under our disclosure policy: {classes}.",
            withheld_one: "1 field withheld or masked under our disclosure policy: {classes}.",
            not_checked: "could not be checked",
            redacted: "redacted by the analyst",
            asked_before: "Asked before",
            asked_before_item: "{indicator} in {reference} on {date}",
            attachment: "A machine-readable copy is attached ({schema}).",
            yes: "yes",
            no: "no",
            events: "{n} SIEM events",
            firewall_entries: "{n} firewall log entries",
            between: "between {first} and {last}",
            owner: "owner",
            account_disabled: "account disabled",
            account_enabled: "account enabled",
            locked_out: "locked out",
            last_logon: "last logon",
            from_hosts: "from {n} hosts",
            nothing_found: "no records found",
            no_indicator: "The request named no indicator we could look up.",
            not_disclosed: "not disclosed",
            not_sent_outside: "not sent to outside sources (an internal value)",
            verdict: "Verdict",
            verdicts: ["malicious", "suspicious", "clean", "unknown"],
        },
        Language::De => Phrases {
            your_reference: "Ihre Referenz",
            our_reference: "Unsere Referenz",
            summary: "Zusammenfassung",
            details: "Einzelheiten",
            window: "Durchsuchter Zeitraum: {start} bis {end}.",
            could_not_check: "Nicht prüfbar: {sources}.",
            not_connected: "nicht angebunden",
            no_answer: "hat nicht geantwortet",
            refused: "hat die Abfrage abgelehnt",
            cannot_query: "konnte für diesen Wert nicht abgefragt werden",
            internal_error: "interner Fehler",
            no_records: "keine Einträge",
            withheld: "{n} Felder gemäß unserer Offenlegungsrichtlinie zurückgehalten oder maskiert: {classes}.",
            withheld_one: "1 Feld gemäß unserer Offenlegungsrichtlinie zurückgehalten oder maskiert: {classes}.",
            not_checked: "konnte nicht geprüft werden",
            redacted: "vom Analysten geschwärzt",
            asked_before: "Bereits angefragt",
            asked_before_item: "{indicator} in {reference} am {date}",
            attachment: "Eine maschinenlesbare Fassung liegt bei ({schema}).",
            yes: "ja",
            no: "nein",
            events: "{n} SIEM-Ereignisse",
            firewall_entries: "{n} Firewall-Logeinträge",
            between: "zwischen {first} und {last}",
            owner: "Besitzer",
            account_disabled: "Konto deaktiviert",
            account_enabled: "Konto aktiv",
            locked_out: "gesperrt",
            last_logon: "letzte Anmeldung",
            from_hosts: "von {n} Hosts",
            nothing_found: "keine Einträge gefunden",
            no_indicator: "Die Anfrage nannte keinen Indikator, den wir nachschlagen konnten.",
            not_disclosed: "wird nicht offengelegt",
            not_sent_outside: "nicht an externe Quellen gesendet (interner Wert)",
            verdict: "Bewertung",
            verdicts: ["bösartig", "verdächtig", "unauffällig", "unbekannt"],
        },
        Language::Fr => Phrases {
            your_reference: "Votre référence",
            our_reference: "Notre référence",
            summary: "Résumé",
            details: "Détails",
            window: "Période recherchée : du {start} au {end}.",
            could_not_check: "Vérification impossible : {sources}.",
            not_connected: "non connecté",
            no_answer: "n'a pas répondu",
            refused: "a refusé la requête",
            cannot_query: "n'a pas pu être interrogé pour cette valeur",
            internal_error: "erreur interne",
            no_records: "aucun enregistrement",
            withheld: "{n} champs retenus ou masqués selon notre politique de divulgation : {classes}.",
            withheld_one: "1 champ retenu ou masqué selon notre politique de divulgation : {classes}.",
            not_checked: "n'a pas pu être vérifié",
            redacted: "masqué par l'analyste",
            asked_before: "Déjà demandé",
            asked_before_item: "{indicator} dans {reference} le {date}",
            attachment: "Une copie lisible par machine est jointe ({schema}).",
            yes: "oui",
            no: "non",
            events: "{n} événements SIEM",
            firewall_entries: "{n} entrées du journal du pare-feu",
            between: "entre le {first} et le {last}",
            owner: "propriétaire",
            account_disabled: "compte désactivé",
            account_enabled: "compte actif",
            locked_out: "verrouillé",
            last_logon: "dernière connexion",
            from_hosts: "depuis {n} hôtes",
            nothing_found: "aucun enregistrement trouvé",
            no_indicator: "La demande ne citait aucun indicateur que nous pouvions rechercher.",
            not_disclosed: "non communiqué",
            not_sent_outside: "non envoyé à des sources externes (valeur interne)",
            verdict: "Verdict",
            verdicts: ["malveillant", "suspect", "sain", "inconnu"],
        },
        Language::Es => Phrases {
            your_reference: "Su referencia",
            our_reference: "Nuestra referencia",
            summary: "Resumen",
            details: "Detalles",
            window: "Periodo consultado: del {start} al {end}.",
            could_not_check: "No se pudo comprobar: {sources}.",
            not_connected: "no conectado",
            no_answer: "no respondió",
            refused: "rechazó la consulta",
            cannot_query: "no se pudo consultar para este valor",
            internal_error: "error interno",
            no_records: "sin registros",
            withheld: "{n} campos retenidos o enmascarados según nuestra política de divulgación: {classes}.",
            withheld_one: "1 campo retenido o enmascarado según nuestra política de divulgación: {classes}.",
            not_checked: "no se pudo comprobar",
            redacted: "censurado por el analista",
            asked_before: "Consultado antes",
            asked_before_item: "{indicator} en {reference} el {date}",
            attachment: "Se adjunta una copia legible por máquina ({schema}).",
            yes: "sí",
            no: "no",
            events: "{n} eventos del SIEM",
            firewall_entries: "{n} entradas del registro del cortafuegos",
            between: "entre el {first} y el {last}",
            owner: "responsable",
            account_disabled: "cuenta deshabilitada",
            account_enabled: "cuenta activa",
            locked_out: "bloqueada",
            last_logon: "último inicio de sesión",
            from_hosts: "desde {n} equipos",
            nothing_found: "no se encontraron registros",
            no_indicator: "La solicitud no mencionaba ningún indicador que pudiéramos consultar.",
            not_disclosed: "no se divulga",
            not_sent_outside: "no enviado a fuentes externas (valor interno)",
            verdict: "Veredicto",
            verdicts: ["malicioso", "sospechoso", "limpio", "desconocido"],
        },
    }
}

/// What a TLP level allows, in one sentence.
pub fn tlp_note(lang: Language, tlp: Tlp) -> &'static str {
    match (lang, tlp) {
        (Language::En, Tlp::Clear) => "Disclosure is not limited.",
        (Language::En, Tlp::Green) => "Limited disclosure: share within your community, not publicly.",
        (Language::En, Tlp::Amber) => "Limited disclosure: share only within your organisation and with its clients, on a need-to-know basis.",
        (Language::En, Tlp::AmberStrict) => "Limited disclosure: share only within your organisation, on a need-to-know basis.",
        (Language::En, Tlp::Red) => "For the named recipients only: do not share further.",
        (Language::De, Tlp::Clear) => "Die Weitergabe ist nicht beschränkt.",
        (Language::De, Tlp::Green) => "Eingeschränkte Weitergabe: innerhalb Ihrer Community, nicht öffentlich.",
        (Language::De, Tlp::Amber) => "Eingeschränkte Weitergabe: nur innerhalb Ihrer Organisation und an deren Kunden, nach Bedarf.",
        (Language::De, Tlp::AmberStrict) => "Eingeschränkte Weitergabe: nur innerhalb Ihrer Organisation, nach Bedarf.",
        (Language::De, Tlp::Red) => "Nur für die genannten Empfänger: nicht weitergeben.",
        (Language::Fr, Tlp::Clear) => "La diffusion n'est pas limitée.",
        (Language::Fr, Tlp::Green) => "Diffusion limitée : au sein de votre communauté, pas publiquement.",
        (Language::Fr, Tlp::Amber) => "Diffusion limitée : uniquement au sein de votre organisation et à ses clients, selon le besoin d'en connaître.",
        (Language::Fr, Tlp::AmberStrict) => "Diffusion limitée : uniquement au sein de votre organisation, selon le besoin d'en connaître.",
        (Language::Fr, Tlp::Red) => "Réservé aux destinataires nommés : ne pas diffuser.",
        (Language::Es, Tlp::Clear) => "La divulgación no está limitada.",
        (Language::Es, Tlp::Green) => "Divulgación limitada: dentro de su comunidad, no públicamente.",
        (Language::Es, Tlp::Amber) => "Divulgación limitada: solo dentro de su organización y con sus clientes, según la necesidad de conocer.",
        (Language::Es, Tlp::AmberStrict) => "Divulgación limitada: solo dentro de su organización, según la necesidad de conocer.",
        (Language::Es, Tlp::Red) => "Solo para los destinatarios nombrados: no compartir.",
    }
}

/// A data class in the plural, for the "fields withheld" line.
pub fn class_plural(lang: Language, class: DataClass) -> &'static str {
    use DataClass::*;
    let i = lang.index();
    let names: [&'static str; 4] = match class {
        PersonName => ["personal names", "Personennamen", "noms de personnes", "nombres de personas"],
        Username => ["usernames", "Benutzernamen", "noms d'utilisateur", "nombres de usuario"],
        Email => ["e-mail addresses", "E-Mail-Adressen", "adresses e-mail", "direcciones de correo"],
        Phone => ["phone numbers", "Telefonnummern", "numéros de téléphone", "teléfonos"],
        Department => ["departments", "Abteilungen", "services", "departamentos"],
        Title => ["job titles", "Funktionen", "fonctions", "cargos"],
        Location => ["locations", "Standorte", "emplacements", "ubicaciones"],
        Description => ["descriptions", "Beschreibungen", "descriptions", "descripciones"],
        DirectoryPath => ["directory paths", "Verzeichnispfade", "chemins d'annuaire", "rutas de directorio"],
        Group => ["group names", "Gruppennamen", "noms de groupes", "nombres de grupos"],
        Technical => ["technical details", "technische Angaben", "détails techniques", "detalles técnicos"],
        Activity => ["activity", "Aktivität", "activité", "actividad"],
        Reputation => ["threat intelligence", "Bedrohungsinformationen", "renseignement sur les menaces", "inteligencia de amenazas"],
        InternalHost => ["internal host names", "interne Hostnamen", "noms d'hôtes internes", "nombres de equipos internos"],
        InternalIp => ["internal addresses", "interne Adressen", "adresses internes", "direcciones internas"],
        Unclassified => ["undeclared fields", "nicht deklarierte Felder", "champs non déclarés", "campos no declarados"],
    };
    names[i]
}

/// The kind of an indicator, for a section heading.
pub fn kind_name(lang: Language, kind: &str) -> &'static str {
    let i = lang.index();
    let names: [&'static str; 4] = match Kind::parse(kind) {
        Some(Kind::Hostname) => ["Host", "Host", "Hôte", "Equipo"],
        Some(Kind::Account) => ["Account", "Konto", "Compte", "Cuenta"],
        Some(Kind::Ipv4 | Kind::Ipv6) => ["IP address", "IP-Adresse", "Adresse IP", "Dirección IP"],
        Some(Kind::Cidr) => ["Network", "Netz", "Réseau", "Red"],
        Some(Kind::Domain) => ["Domain", "Domain", "Domaine", "Dominio"],
        Some(Kind::Url) => ["URL", "URL", "URL", "URL"],
        Some(Kind::Email) => ["E-mail address", "E-Mail-Adresse", "Adresse e-mail", "Correo"],
        Some(Kind::Md5 | Kind::Sha1 | Kind::Sha256 | Kind::Sha512) => ["File hash", "Datei-Hash", "Empreinte de fichier", "Hash de archivo"],
        Some(Kind::Cve) => ["Vulnerability", "Schwachstelle", "Vulnérabilité", "Vulnerabilidad"],
        Some(Kind::Mac) => ["MAC address", "MAC-Adresse", "Adresse MAC", "Dirección MAC"],
        None => ["Indicator", "Indikator", "Indicateur", "Indicador"],
    };
    names[i]
}

/// `{name}` placeholders filled in order of `values`.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_string(), |acc, (k, v)| acc.replace(&format!("{{{k}}}"), v))
}
