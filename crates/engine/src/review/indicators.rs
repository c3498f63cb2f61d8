//! The analyst's changes to a request's indicators: add one the extraction
//! missed, remove or correct one it got wrong, or mark one "do not
//! disclose". Each change is audited with who made it. Adding, removing or
//! correcting runs the playbook again (the findings follow the indicators);
//! every change sends the report back to draft and withdraws a queued reply,
//! as any other edit does.

use super::{ReviewError, ReviewView, Reviewer};
use crate::indicators::{Extractor, Indicator, Kind};
use crate::store::{IndicatorChange, NewAudit, ReviewState};
use serde::{Deserialize, Serialize};

/// One change, as the app sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum IndicatorEdit {
    /// A value typed as the MSSP might write it (defanged too); its kind is
    /// recognised as extraction would.
    Add {
        value: String,
    },
    Remove {
        kind: Kind,
        value: String,
    },
    /// Corrects a value: the new one replaces the old.
    Replace {
        kind: Kind,
        value: String,
        with: String,
    },
    /// Marks it "do not disclose" (`true`) or lifts the mark.
    Withhold {
        kind: Kind,
        value: String,
        withheld: bool,
    },
}

impl Reviewer<'_> {
    /// Applies one change to the request's indicators; the review as it then stands.
    pub async fn change_indicator(&self, request_id: i64, edit: &IndicatorEdit, actor: &str) -> Result<ReviewView, ReviewError> {
        let actor = actor.trim();
        if actor.is_empty() {
            return Err(ReviewError::Refused("a change to the indicators needs the name of the analyst who makes it".into()));
        }
        if self.store.report_row(request_id).await?.is_some_and(|r| r.state == ReviewState::Sent) {
            return Err(ReviewError::Refused(format!("the reply to request {request_id} has been sent; its indicators can no longer change")));
        }
        let changed = match edit {
            IndicatorEdit::Add { value } => {
                let added = self.recognise(value)?;
                self.apply(request_id, &added, IndicatorChange::Add, actor, "indicator_added", None).await?
            }
            IndicatorEdit::Remove { kind, value } => {
                self.apply(request_id, &known(*kind, value), IndicatorChange::Remove, actor, "indicator_removed", None).await?
            }
            IndicatorEdit::Replace { kind, value, with } => {
                let new = self.recognise(with)?;
                let old = known(*kind, value);
                if new.kind == old.kind && new.value == old.value {
                    false
                } else {
                    let was = format!("{}:{}", old.kind, old.value);
                    let added = self.apply(request_id, &new, IndicatorChange::Add, actor, "indicator_corrected", Some(&was)).await?;
                    let removed = self.apply(request_id, &old, IndicatorChange::Remove, actor, "indicator_removed", None).await?;
                    added || removed
                }
            }
            IndicatorEdit::Withhold { kind, value, withheld } => {
                let action = if *withheld { "indicator_withheld" } else { "indicator_disclosed" };
                if self.apply(request_id, &known(*kind, value), IndicatorChange::Withhold(*withheld), actor, action, None).await? {
                    // The findings are the same; the report is not.
                    return self.edit(request_id, actor, "redraft", serde_json::json!({ "because": action }), |_| {}).await;
                }
                false
            }
        };
        if !changed {
            return self.view(request_id).await;
        }
        self.rerun(request_id, None, actor).await?;
        self.edit(request_id, actor, "redraft", serde_json::json!({ "because": "indicators changed" }), |_| {}).await
    }

    /// The one indicator a typed value is, as extraction reads it.
    fn recognise(&self, typed: &str) -> Result<Indicator, ReviewError> {
        let typed = typed.trim();
        if typed.is_empty() || typed.len() > 2048 || typed.contains(['\r', '\n']) {
            return Err(ReviewError::Refused("type one indicator on one line".into()));
        }
        let extractor = Extractor::new(&self.config().indicators).map_err(|e| ReviewError::Refused(format!("the indicator patterns are not valid: {e}")))?;
        let found = extractor.extract(typed);
        match found.as_slice() {
            [one] => Ok(Indicator { source: "analyst".into(), occurrences: 0, ..one.clone() }),
            [] => Err(ReviewError::Refused(format!(
                "{typed:?} is not an indicator Drawbridge recognises (an IP address or range, domain, host name, URL, e-mail address, hash, CVE, MAC address or account)"
            ))),
            many => Err(ReviewError::Refused(format!(
                "{typed:?} holds {} indicators ({}); add them one at a time",
                many.len(),
                many.iter().map(|i| format!("{} {}", i.kind, i.value)).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    async fn apply(
        &self,
        request_id: i64,
        ind: &Indicator,
        change: IndicatorChange,
        actor: &str,
        action: &str,
        was: Option<&str>,
    ) -> Result<bool, ReviewError> {
        let mut detail = serde_json::json!({ "kind": ind.kind, "value": ind.value });
        if let Some(was) = was {
            detail["was"] = serde_json::Value::String(was.into());
        }
        Ok(self.store.change_indicator(request_id, ind, &change, &NewAudit::about(request_id, actor, action, detail)).await?)
    }
}

/// An indicator already on the request, named by kind and value.
fn known(kind: Kind, value: &str) -> Indicator {
    Indicator { kind, value: value.to_string(), defanged: false, occurrences: 0, source: String::new() }
}
