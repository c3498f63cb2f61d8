//! Which requests newly need an analyst: a draft stored and waiting for
//! review. The app raises a desktop notification for each; the backlog that
//! was already waiting when it started is announced once, as a count.

use crate::store::{QueueQuery, RequestSummary, Store, StoreError};
use std::collections::BTreeSet;

/// What the desktop should be told after one look.
#[derive(Debug, Clone)]
pub enum News {
    /// The first look: this many were already waiting.
    Backlog(usize),
    /// Requests that started waiting since the last look, oldest first.
    Arrived(Vec<RequestSummary>),
}

/// The drafts seen waiting at the last look.
#[derive(Debug, Default)]
pub struct Attention {
    known: Option<BTreeSet<i64>>,
}

/// At most this many waiting drafts are looked at; more are not news.
const LOOK: i64 = 500;

impl Attention {
    pub fn new() -> Attention {
        Attention::default()
    }

    /// Looks at the drafts waiting for review now.
    pub async fn look(&mut self, store: &Store) -> Result<Option<News>, StoreError> {
        let page = store.queue_page(&QueueQuery { state: Some("draft".into()), limit: LOOK, ..Default::default() }).await?;
        let ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
        Ok(self.update(&ids).map(|change| match change {
            Change::Backlog(n) => News::Backlog(n),
            Change::Arrived(new) => News::Arrived(new.iter().filter_map(|id| page.rows.iter().find(|r| r.id == *id).cloned()).collect()),
        }))
    }

    /// What changed, given the ids waiting now (as the queue lists them, newest first).
    fn update(&mut self, waiting: &[i64]) -> Option<Change> {
        let now: BTreeSet<i64> = waiting.iter().copied().collect();
        let Some(known) = self.known.replace(now) else {
            return (!waiting.is_empty()).then_some(Change::Backlog(waiting.len()));
        };
        let arrived: Vec<i64> = waiting.iter().rev().copied().filter(|id| !known.contains(id)).collect();
        (!arrived.is_empty()).then_some(Change::Arrived(arrived))
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Change {
    Backlog(usize),
    Arrived(Vec<i64>),
}

/// The notification's title and body for one request: its number, subject
/// (cut at 120 characters) and sender; nothing from the findings.
pub fn notice(r: &RequestSummary) -> (String, String) {
    let who = r.sender.as_deref().unwrap_or("an unknown sender");
    let subject: String = r.subject.as_deref().unwrap_or("(no subject)").chars().take(120).collect();
    (format!("Request {} needs review", r.id), format!("{subject}\nfrom {who}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backlog_once_then_only_new_arrivals() {
        let mut a = Attention::new();
        assert_eq!(a.update(&[3, 2]), Some(Change::Backlog(2)));
        assert_eq!(a.update(&[3, 2]), None, "nothing new");
        assert_eq!(a.update(&[5, 4, 3]), Some(Change::Arrived(vec![4, 5])), "oldest first");
        // 3 was approved; back in draft (an edit after approval) it is news again.
        assert_eq!(a.update(&[5, 4]), None);
        assert_eq!(a.update(&[5, 4, 3]), Some(Change::Arrived(vec![3])));
        assert_eq!(Attention::new().update(&[]), None, "an empty backlog is not news");
    }
}
