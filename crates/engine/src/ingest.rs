//! One message through intake: keep the raw bytes, parse, check the sender,
//! extract indicators, commit. Bad input never fails here: it becomes a
//! quarantined request with its reason and its raw bytes.

use crate::classify::{Classification, Classifier, Classifiers, KeywordRules, Normalizer, Steps, TriageModel};
use crate::config::Config;
use crate::indicators::{Extractor, Indicator, PatternError};
use crate::intake::mime;
use crate::sender::{DnsSource, SenderPolicy, SenderVerdict};
use crate::store::{ImapCursor, IngestOutcome, NewRequest, Source, Store, StoreError};
use std::sync::{Arc, RwLock};
use tracing::{info, warn};

/// Takes messages in. Clones share their rules: `reconfigure` on any of
/// them (a policy saved in the app) applies to every watcher's next message.
#[derive(Debug, Clone)]
pub struct Ingestor {
    store: Store,
    dns: DnsSource,
    rules: Arc<RwLock<Arc<Rules>>>,
}

/// What a message is checked, read and typed with, from the configuration.
#[derive(Debug)]
struct Rules {
    extractor: Extractor,
    policy: SenderPolicy,
    classifiers: Arc<Classifiers>,
    assigner: Arc<crate::assign::Assigner>,
    max_message_bytes: usize,
}

impl Rules {
    fn new(config: &Config, dns: DnsSource) -> Result<Rules, SetupError> {
        let extractor = extractor(config)?;
        Ok(Rules {
            classifiers: Arc::new(classifiers_with(config, extractor.clone())?),
            assigner: Arc::new(crate::assign::Assigner::new(&config.assignment)?),
            extractor,
            policy: SenderPolicy::new(config.senders.clone(), dns),
            max_message_bytes: config.intake.max_message_bytes,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Pattern(#[from] PatternError),
    #[error(transparent)]
    Keywords(#[from] crate::classify::keywords::KeywordError),
    #[error("classifier {0}: {1}")]
    Classifier(String, String),
    #[error(transparent)]
    Assignment(#[from] crate::assign::AssignError),
}

/// Builds the triage classifier from the configuration. A model that cannot
/// be loaded is reported in every classification (keyword rules still run);
/// broken keyword rules are an error, since an admin just edited them.
pub fn classifier(config: &Config) -> Result<Classifier, SetupError> {
    classifier_with(config, extractor(config)?)
}

/// The indicator extractor of a deployment: `[indicators]`, with the sender
/// checks' trusted gateways as context hosts.
pub fn extractor(config: &Config) -> Result<Extractor, PatternError> {
    Ok(Extractor::new(&config.indicators)?.with_context_hosts(&config.senders.trusted_authserv_ids))
}

/// As [`classifier`], reusing an extractor already compiled from `config.indicators`.
pub fn classifier_with(config: &Config, extractor: Extractor) -> Result<Classifier, SetupError> {
    let rules = match &config.triage.keywords {
        Some(path) => KeywordRules::load(path)?,
        None => KeywordRules::shipped()?,
    };
    let model_path = config.triage.model_path();
    let model = TriageModel::load(&model_path);
    if let Err(e) = &model {
        warn!(error = %e, "triage model unavailable; keyword rules decide");
    }
    Ok(Classifier::new(Normalizer::new(extractor, Steps::default()), model, rules, config.triage.threshold))
}

/// Every classifier the configuration declares: the request type, then
/// `[classifiers.<name>]`. A declared classifier whose labels or keyword rules
/// are wrong is an error; one whose model cannot be loaded runs on its rules.
pub fn classifiers(config: &Config) -> Result<Classifiers, SetupError> {
    classifiers_with(config, extractor(config)?)
}

pub fn classifiers_with(config: &Config, extractor: Extractor) -> Result<Classifiers, SetupError> {
    let request_type = classifier_with(config, extractor.clone())?;
    let mut others = Vec::new();
    for (name, c) in &config.classifiers.0 {
        if name == crate::classify::REQUEST_TYPE {
            return Err(SetupError::Classifier(name.clone(), "is the built-in request type; configure it under [triage]".into()));
        }
        let labels = c.label_set().map_err(|e| SetupError::Classifier(name.clone(), e))?;
        let keywords = c.keywords_path(name);
        let rules = if c.keywords.is_none() && !keywords.exists() { KeywordRules::none(&labels) } else { KeywordRules::load_for(&keywords, &labels)? };
        let model = TriageModel::load_for(&c.model_path(name), &labels);
        if let Err(e) = &model {
            warn!(classifier = %name, error = %e, "model unavailable; keyword rules decide");
        }
        others.push(Classifier::named(name, labels, Normalizer::new(extractor.clone(), Steps::default()), model, rules, c.threshold));
    }
    Ok(Classifiers::new(request_type, others))
}

/// Where a message came from, for the record.
#[derive(Debug, Clone)]
pub struct Origin {
    pub source: Source,
    /// File name, or mailbox and UID.
    pub reference: String,
    /// For IMAP: the cursor to commit with the request.
    pub cursor: Option<ImapCursor>,
}

impl Ingestor {
    pub fn new(config: &Config, store: Store, dns: DnsSource) -> Result<Ingestor, SetupError> {
        let rules = Rules::new(config, dns.clone())?;
        Ok(Ingestor { store, dns, rules: Arc::new(RwLock::new(Arc::new(rules))) })
    }

    /// Takes the sender, indicator, triage and assignment rules from
    /// `config` for every later message, in this ingestor and all its
    /// clones. On an error the rules in force stay.
    pub fn reconfigure(&self, config: &Config) -> Result<(), SetupError> {
        let rules = Arc::new(Rules::new(config, self.dns.clone())?);
        *self.rules.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = rules;
        Ok(())
    }

    fn rules(&self) -> Arc<Rules> {
        self.rules.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Every classifier, the request type's first.
    pub fn classifiers(&self) -> Arc<Classifiers> {
        self.rules().classifiers.clone()
    }

    pub fn assigner(&self) -> Arc<crate::assign::Assigner> {
        self.rules().assigner.clone()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Messages larger than this are not parsed (`[intake] max_message_bytes`).
    pub fn max_message_bytes(&self) -> usize {
        self.rules().max_message_bytes
    }

    /// A message the server says is over the size limit: only its `header`
    /// was downloaded. It becomes a quarantined request whose raw bytes are
    /// that header, with the size in the reason; the message itself stays
    /// in the mailbox.
    pub async fn ingest_too_large(&self, header: &[u8], size: usize, origin: &Origin) -> Result<IngestOutcome, StoreError> {
        let reason = format!(
            "message is {size} bytes (IMAP RFC822.SIZE), over the limit of {} bytes (intake.max_message_bytes); only its header was downloaded, the message stays in the mailbox ({})",
            self.max_message_bytes(),
            origin.reference
        );
        let intake = Intake::quarantined(unchecked("message was not downloaded"), reason);
        self.commit(header, crate::model::digest::of_bytes(header), origin, &self.rules(), intake, "request").await
    }

    pub fn extractor(&self) -> Extractor {
        self.rules().extractor.clone()
    }

    /// Stores `raw` as a request. Only a store failure is an error; the caller
    /// must then keep the message where it is and try again later.
    pub async fn ingest(&self, raw: &[u8], origin: &Origin) -> Result<IngestOutcome, StoreError> {
        let sha = crate::model::digest::of_bytes(raw);
        let span = tracing::info_span!("ingest", sha256 = %&sha[..12], source = origin.source.as_str(), reference = %origin.reference);
        let _guard = span.enter();
        let rules = self.rules();

        let mut parsed = None;
        let mut indicators: Vec<Indicator> = Vec::new();
        let mut classifications: Vec<Classification> = Vec::new();
        let verdict: SenderVerdict;
        let quarantine_reason: Option<String>;
        if raw.len() > rules.max_message_bytes {
            quarantine_reason =
                Some(format!("message is {} bytes, over the limit of {} bytes (intake.max_message_bytes); not parsed", raw.len(), rules.max_message_bytes));
            verdict = unchecked("message was not parsed");
        } else {
            match mime::parse(raw) {
                Err(e) => {
                    quarantine_reason = Some(format!("unreadable message: {e}"));
                    verdict = unchecked("message was not parsed");
                }
                Ok(mut message) => {
                    verdict = rules.policy.evaluate(&message, raw).await;
                    if verdict.allowed {
                        let extraction = rules.extractor.extract_message_all(&message);
                        indicators = extraction.indicators;
                        message.reference_links = extraction.references;
                        classifications = rules.classifiers.classify_all(message.subject.as_deref().unwrap_or(""), &message.text);
                        quarantine_reason = None;
                    } else {
                        quarantine_reason = Some(format!("sender policy: {}", verdict.reasons.join("; ")));
                    }
                    parsed = Some(message);
                }
            }
        }
        self.commit(raw, sha, origin, &rules, Intake { parsed, verdict, quarantine_reason, indicators, classifications }, "request").await
    }
}

impl Ingestor {
    /// Stores a submission of indicators without an e-mail (the JSON of
    /// [`crate::intake::submission::Submission`]) as an `enrichment`
    /// request. There is no sender to check: whoever can run `drawbridge
    /// enrich` or write to the drop folder is trusted, and the verdict says
    /// so. A submission that cannot be read, or names no indicator, is
    /// quarantined with its bytes kept.
    pub async fn submit(&self, raw: &[u8], origin: &Origin) -> Result<IngestOutcome, StoreError> {
        use crate::intake::submission::Submission;
        let rules = self.rules();
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let (parsed, verdict, mut quarantine_reason, mut indicators) = match Submission::parse(raw) {
            Err(e) => (None, unchecked("the submission was not read"), Some(format!("unreadable submission: {e}")), Vec::new()),
            Ok(submission) => {
                let verdict = SenderVerdict {
                    allowed: true,
                    reasons: vec![format!("submitted for enrichment by {} ({}): no e-mail sender to check", submission.by(), origin.source.as_str())],
                    dmarc: None,
                };
                let mut collector = crate::indicators::Collector::default();
                for value in &submission.values {
                    rules.extractor.extract_into(value, "submission", &mut collector);
                }
                (Some(submission.message(&now)), verdict, None, collector.finish())
            }
        };
        if quarantine_reason.is_none() && indicators.is_empty() {
            quarantine_reason = Some("the submission names no indicator Drawbridge recognises".into());
        }
        if quarantine_reason.is_some() {
            indicators.clear();
        }
        let classifications = if quarantine_reason.is_none() {
            vec![Classification {
                classifier: crate::classify::REQUEST_TYPE.into(),
                label: "enrichment".into(),
                confidence: 1.0,
                method: crate::classify::Method::Submitted,
                model: "none".into(),
                reason: Some("submitted for enrichment".into()),
            }]
        } else {
            Vec::new()
        };
        self.commit(
            raw,
            crate::model::digest::of_bytes(raw),
            origin,
            &rules,
            Intake { parsed, verdict, quarantine_reason, indicators, classifications },
            "submission",
        )
        .await
    }
}

impl Ingestor {
    /// Stores `raw` with what intake made of it (`what` names it in the
    /// log: a request or a submission) and, when it is new, hands it to the
    /// assignment rules: a failed assignment leaves it unassigned (visible
    /// in the queue), never lost.
    async fn commit(&self, raw: &[u8], raw_sha256: String, origin: &Origin, rules: &Rules, intake: Intake, what: &str) -> Result<IngestOutcome, StoreError> {
        let request = NewRequest {
            raw,
            raw_sha256,
            source: origin.source,
            source_ref: origin.reference.clone(),
            parsed: intake.parsed.as_ref(),
            verdict: &intake.verdict,
            quarantine_reason: intake.quarantine_reason.clone(),
            indicators: &intake.indicators,
            classifications: &intake.classifications,
        };
        let outcome = self.store.insert_request(&request, origin.cursor.as_ref()).await?;
        match (&intake.quarantine_reason, outcome.duplicate) {
            (_, true) => info!(request_id = outcome.request_id, "{what} already stored; not ingested twice"),
            (Some(reason), false) => warn!(request_id = outcome.request_id, %reason, "{what} quarantined"),
            (None, false) => info!(
                request_id = outcome.request_id,
                indicators = intake.indicators.len(),
                labels = %intake.classifications.iter().map(|c| format!("{}={}", c.classifier, c.label)).collect::<Vec<_>>().join(" "),
                "{what} stored"
            ),
        }
        if !outcome.duplicate {
            match rules.assigner.assign_request(&self.store, outcome.request_id).await {
                Ok(Some(a)) => info!(request_id = outcome.request_id, assignee = %a.assignee, rule = a.rule.as_deref().unwrap_or(""), "assigned"),
                Ok(None) => {}
                Err(e) => warn!(request_id = outcome.request_id, error = %e, "assignment failed; the request stays unassigned"),
            }
        }
        Ok(outcome)
    }
}

/// What intake made of the bytes: the parsed message, the sender's
/// verdict, and either the indicators and classifications or why the
/// request is quarantined.
struct Intake {
    parsed: Option<crate::model::ParsedMessage>,
    verdict: SenderVerdict,
    quarantine_reason: Option<String>,
    indicators: Vec<Indicator>,
    classifications: Vec<Classification>,
}

impl Intake {
    fn quarantined(verdict: SenderVerdict, reason: String) -> Intake {
        Intake { parsed: None, verdict, quarantine_reason: Some(reason), indicators: Vec::new(), classifications: Vec::new() }
    }
}

fn unchecked(why: &str) -> SenderVerdict {
    SenderVerdict { allowed: false, reasons: vec![format!("sender not checked: {why}")], dmarc: None }
}
