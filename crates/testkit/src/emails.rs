//! Requests as an MSSP sends them, vouched for by the customer's gateway.

/// A unique token for Message-IDs and names.
pub fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{nanos}.{}", N.fetch_add(1, Ordering::Relaxed))
}

/// A plain-text request from the lab MSSP's analyst to `to`, with a fresh Message-ID.
pub fn request_email(to: &str, subject: &str, body: &str) -> Vec<u8> {
    request(to, subject, &format!("<{}@mssp.example.net>", unique()), body)
}

/// As [`request_email`], with a given Message-ID and a `References` header
/// (the MSSP's case thread).
pub fn request(to: &str, subject: &str, message_id: &str, body: &str) -> Vec<u8> {
    format!(
        "From: SOC Analyst <analyst@mssp.example.net>\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n\
         References: <case-7@mssp.example.net>\r\nDate: Fri, 27 Nov 2026 10:00:00 +0000\r\n\
         Authentication-Results: mx1.corp.example; dkim=pass header.d=mssp.example.net; dmarc=pass header.from=mssp.example.net\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}
