//! The original email's HTML as the analyst may see it. Email HTML is
//! hostile by default: scripts, event handlers, forms, remote images that
//! tell the sender the mail was opened, links that lead to the lure. What is
//! left after cleaning is layout and text: no script, no style sheet or
//! `style` attribute, no image, no frame, and no link target (a link keeps
//! its text; the plain-text view, the default, shows the addresses). The app
//! shows it in a sandboxed frame with no permissions on top.

use std::collections::HashSet;

/// Longest HTML body shown (the rest is cut, with a note).
const MAX_HTML: usize = 2 * 1024 * 1024;

/// The message's HTML body, cleaned for display; None when it has none.
pub fn html(raw: &[u8]) -> Option<String> {
    let body = crate::intake::mime::html_body(raw)?;
    let (body, cut) = match body.char_indices().nth(MAX_HTML) {
        Some((at, _)) => (&body[..at], true),
        None => (body.as_str(), false),
    };
    let mut cleaned = ammonia::Builder::default()
        .rm_tags(["img", "a", "map", "area"])
        .url_schemes(HashSet::new())
        .url_relative(ammonia::UrlRelative::Deny)
        .clean(body)
        .to_string();
    if cut {
        cleaned.push_str("<p><em>[The rest of this HTML body is not shown: it is over 2 MB.]</em></p>");
    }
    Some(cleaned)
}

#[cfg(test)]
mod tests {
    use super::html;

    const MAIL: &str = "From: soc@mssp.example.net\r\nSubject: look\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nplain\r\n--b\r\nContent-Type: text/html\r\n\r\n\
        <html><head><style>body{background:url(https://t.example/s.png)}</style><script>alert(1)</script></head>\
        <body onload=\"steal()\"><p style=\"color:red\">Please check <b>WKS-FIN-042</b></p>\
        <img src=\"https://tracker.example/pixel.gif\"><a href=\"https://lure.example/login\">your account</a>\
        <form action=\"https://x.example\"><input name=p></form><iframe src=\"https://x.example\"></iframe></body></html>\r\n--b--\r\n";

    #[test]
    fn only_layout_and_text_are_left() {
        let shown = html(MAIL.as_bytes()).expect("an HTML body");
        assert!(shown.contains("<b>WKS-FIN-042</b>"), "{shown}");
        assert!(shown.contains("your account"), "a link keeps its text: {shown}");
        for gone in ["<script", "alert(1)", "onload", "style", "tracker.example", "lure.example", "<img", "<form", "<input", "<iframe", "t.example", "href"] {
            assert!(!shown.contains(gone), "{gone} is removed: {shown}");
        }
    }

    #[test]
    fn a_message_without_html_has_none() {
        assert_eq!(html(b"From: a@b.example\r\nSubject: x\r\n\r\njust text\r\n"), None);
        assert_eq!(html(b"\x00\x01 not mail"), None);
    }
}
