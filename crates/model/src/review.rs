//! Where a report stands in review.

use crate::status::text_enum;

text_enum! {
    /// A report's review state: draft → approved (some approvals given) →
    /// queued (the reply is in the outbox) → sent; or rejected.
    ReviewState {
        Draft => "draft",
        Approved => "approved",
        Queued => "queued",
        Sent => "sent",
        Rejected => "rejected",
    }
}
