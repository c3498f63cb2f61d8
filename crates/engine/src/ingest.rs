//! One message through intake: keep the raw bytes, parse, check the sender,
//! extract indicators, commit. Bad input never fails here: it becomes a
//! quarantined request with its reason and its raw bytes.

use crate::classify::{Classification, Classifier, KeywordRules, Normalizer, Steps, TriageModel};
use crate::config::Config;
use crate::indicators::{Extractor, Indicator, PatternError};
use crate::intake::mime;
use crate::sender::{DnsSource, SenderPolicy, SenderVerdict};
use crate::store::{ImapCursor, IngestOutcome, NewRequest, Source, Store, StoreError};
use sha2::{Digest, Sha256};
use tracing::{info, warn};

#[derive(Debug, Clone)]
pub struct Ingestor {
    store: Store,
    extractor: Extractor,
    policy: SenderPolicy,
    classifier: std::sync::Arc<Classifier>,
    max_message_bytes: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Pattern(#[from] PatternError),
    #[error(transparent)]
    Keywords(#[from] crate::classify::keywords::KeywordError),
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
        let extractor = extractor(config)?;
        Ok(Ingestor {
            store,
            classifier: std::sync::Arc::new(classifier_with(config, extractor.clone())?),
            extractor,
            policy: SenderPolicy::new(config.senders.clone(), dns),
            max_message_bytes: config.intake.max_message_bytes,
        })
    }

    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn extractor(&self) -> &Extractor {
        &self.extractor
    }

    /// Stores `raw` as a request. Only a store failure is an error; the caller
    /// must then keep the message where it is and try again later.
    pub async fn ingest(&self, raw: &[u8], origin: &Origin) -> Result<IngestOutcome, StoreError> {
        let sha = hex::encode(Sha256::digest(raw));
        let span = tracing::info_span!("ingest", sha256 = %&sha[..12], source = origin.source.as_str(), reference = %origin.reference);
        let _guard = span.enter();

        let mut parsed = None;
        let mut indicators: Vec<Indicator> = Vec::new();
        let mut classification: Option<Classification> = None;
        let verdict: SenderVerdict;
        let quarantine_reason: Option<String>;
        if raw.len() > self.max_message_bytes {
            quarantine_reason =
                Some(format!("message is {} bytes, over the limit of {} bytes (intake.max_message_bytes); not parsed", raw.len(), self.max_message_bytes));
            verdict = unchecked("message was not parsed");
        } else {
            match mime::parse(raw) {
                Err(e) => {
                    quarantine_reason = Some(format!("unreadable message: {e}"));
                    verdict = unchecked("message was not parsed");
                }
                Ok(mut message) => {
                    verdict = self.policy.evaluate(&message, raw).await;
                    if verdict.allowed {
                        let extraction = self.extractor.extract_message_all(&message);
                        indicators = extraction.indicators;
                        message.reference_links = extraction.references;
                        classification = Some(self.classifier.classify(message.subject.as_deref().unwrap_or(""), &message.text));
                        quarantine_reason = None;
                    } else {
                        quarantine_reason = Some(format!("sender policy: {}", verdict.reasons.join("; ")));
                    }
                    parsed = Some(message);
                }
            }
        }
        let request = NewRequest {
            raw,
            raw_sha256: sha,
            source: origin.source,
            source_ref: origin.reference.clone(),
            parsed: parsed.as_ref(),
            verdict: &verdict,
            quarantine_reason: quarantine_reason.clone(),
            indicators: &indicators,
            classification: classification.as_ref(),
        };
        let outcome = self.store.insert_request(&request, origin.cursor.as_ref()).await?;
        match (&quarantine_reason, outcome.duplicate) {
            (_, true) => info!(request_id = outcome.request_id, "already stored; not ingested twice"),
            (Some(reason), false) => warn!(request_id = outcome.request_id, %reason, "request quarantined"),
            (None, false) => info!(
                request_id = outcome.request_id,
                indicators = indicators.len(),
                request_type = classification.as_ref().map(|c| c.label.as_str()).unwrap_or("none"),
                "request stored"
            ),
        }
        Ok(outcome)
    }
}

fn unchecked(why: &str) -> SenderVerdict {
    SenderVerdict { allowed: false, reasons: vec![format!("sender not checked: {why}")], dmarc: None }
}
