//! Undoing the "defanging" that analysts apply so that indicators are not clickable:
//! `hxxp`, `[.]`, `(dot)`, `[@]`, `[://]` and friends.
//!
//! The common case (nothing defanged) costs one Aho-Corasick scan and no copy.
//! The result remembers where substitutions happened so the extractor can tell
//! deliberately defanged values (which are always indicators) from plain text.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// Bracketed or obfuscated forms and what they stand for. Matched ASCII
/// case-insensitively, leftmost-longest.
const FORMS: &[(&str, &str)] = &[
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[ . ]", "."),
    ("[. .]", "."),
    ("[dot]", "."),
    ("(dot)", "."),
    ("{dot}", "."),
    ("[ dot ]", "."),
    ("( dot )", "."),
    ("\\.", "."),
    // Half-bracketed forms (`example[.com`, `192[.168.1.1`, `10.10.]10`).
    ("[.", "."),
    (".]", "."),
    // `example[dotcom`, `example(dot]com`: taken only between two letters or
    // digits (see `HALF_WORD_FORMS`).
    ("[dot", "."),
    ("dot]", "."),
    ("(dot", "."),
    ("dot)", "."),
    ("[:]", ":"),
    ("(:)", ":"),
    ("[://]", "://"),
    ("[:]//", "://"),
    ("[/]", "/"),
    ("(/)", "/"),
    ("[@]", "@"),
    ("(@)", "@"),
    ("{@}", "@"),
    ("[at]", "@"),
    ("(at)", "@"),
    ("{at}", "@"),
    ("[ at ]", "@"),
    ("( at )", "@"),
    ("hxxps", "https"),
    ("hxxp", "http"),
    ("hxxxp", "http"),
    ("h__ps", "https"),
    ("h__p", "http"),
    ("h**ps", "https"),
    ("h**p", "http"),
    ("h00ps", "https"),
    ("h00p", "http"),
    ("hpps", "https"),
    ("fxp://", "ftp://"),
    ("http__", "http://"),
    ("https__", "https://"),
    ("hxxp__", "http://"),
    ("hxxps__", "https://"),
    ("http:__", "http://"),
    ("https:__", "https://"),
    ("hxxp:__", "http://"),
    ("hxxps:__", "https://"),
    ("http:\\\\", "http://"),
    ("https:\\\\", "https://"),
    ("hxxp:\\\\", "http://"),
    ("hxxps:\\\\", "https://"),
    ("ftx://", "ftp://"),
    ("fxps://", "ftps://"),
];

static MATCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(FORMS.iter().map(|(from, _)| *from))
        .expect("static defang patterns compile")
});

/// `evil dot com`, `john at evil dot com`: the spelled-out forms. Only taken
/// when the words joined by ` dot ` end in a label that looks like a TLD, so
/// prose such as "connect the dots" is left alone.
static SPELLED_DOT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\b([a-z0-9][a-z0-9_-]*(?:\s+dot\s+[a-z0-9-]+)+)\b").expect("static regex"));
/// `user @ evil[.]com`, `user@ evil[.]com`: spaces around `@`, taken only
/// when the domain after it was defanged (deliberately obfuscated).
static SPACED_AT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\b([a-z0-9._%+-]+)(?:\s+@\s*|@\s+)([a-z0-9-]+(?:\.[a-z0-9-]+)+)").expect("static regex"));
static SPELLED_AT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\b([a-z0-9._%+-]+)\s+at\s+([a-z0-9-]+(?:\.[a-z0-9-]+)+)\b").expect("static regex"));

/// TLDs accepted after a spelled-out ` dot `. Short TLDs that are also
/// English words (`to`, `in`, `is`, `it`, `me`, `no`…) are left out, so
/// "connect the dot to the line" stays prose.
const SPELLED_TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "io", "ru", "cn", "de", "uk", "fr", "nl", "eu", "xyz", "top", "online", "site", "club", "shop", "app", "dev", "gov",
    "edu", "ch", "es", "pl", "br", "jp", "kr", "tk", "cc", "su", "ir", "pw",
];

/// Text with defanged forms replaced, and the byte ranges (in the new text)
/// that came from a substitution, sorted by start.
#[derive(Debug)]
pub struct Refanged<'a> {
    pub text: Cow<'a, str>,
    pub changed: Vec<(usize, usize)>,
}

impl Refanged<'_> {
    /// Whether any substitution touched `start..end`.
    pub fn touches(&self, start: usize, end: usize) -> bool {
        let idx = self.changed.partition_point(|&(_, e)| e <= start);
        self.changed.get(idx).is_some_and(|&(s, _)| s < end)
    }
}

/// One substitution: replace `start..end` of the source by `with`.
struct Edit {
    start: usize,
    end: usize,
    with: String,
}

/// Applies non-overlapping, ordered edits. Returns the new text, the spans the
/// edits produced, and a function of old positions to new ones.
fn apply(src: &str, edits: &[Edit]) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(src.len());
    let mut spans = Vec::with_capacity(edits.len());
    let mut last = 0;
    for e in edits {
        out.push_str(&src[last..e.start]);
        let s = out.len();
        out.push_str(&e.with);
        spans.push((s, out.len()));
        last = e.end;
    }
    out.push_str(&src[last..]);
    (out, spans)
}

/// Maps a position in the text before `edits` to the text after them.
fn shift(pos: usize, edits: &[Edit]) -> usize {
    let mut delta: isize = 0;
    for e in edits {
        if e.end <= pos {
            delta += e.with.len() as isize - (e.end - e.start) as isize;
        } else {
            break;
        }
    }
    (pos as isize + delta).max(0) as usize
}

/// Half-bracketed word forms, taken only between two letters or digits, so
/// that "[dotnet]" or "(dot)" in prose stays prose.
const HALF_WORD_FORMS: &[&str] = &["[dot", "dot]", "(dot", "dot)"];

pub fn refang(input: &str) -> Refanged<'_> {
    let bytes = input.as_bytes();
    let alnum_at = |i: usize| bytes.get(i).is_some_and(|c| c.is_ascii_alphanumeric());
    let edits: Vec<Edit> = MATCHER
        .find_iter(input)
        .filter_map(|m| {
            let (from, with) = FORMS[m.pattern().as_usize()];
            let (mut start, mut end) = (m.start(), m.end());
            if HALF_WORD_FORMS.contains(&from) && !(start > 0 && alnum_at(start - 1) && alnum_at(end)) {
                return None;
            }
            let bracketed = from.len() > 1 && from != "\\.";
            if (with == "@" || with == ".") && start > 0 && bytes[start - 1] == b' ' && bytes.get(end) == Some(&b' ') {
                // `bad [at] evil.com`: a spaced `@` or `.` takes its spaces with it.
                start -= 1;
                end += 1;
            } else if with == "." && bracketed && start > 1 && bytes[start - 1] == b' ' && alnum_at(start - 2) && alnum_at(end) {
                // `secure-update [.]net`: one stray space before a bracketed dot.
                start -= 1;
            } else if with == "." && bracketed && start > 0 && alnum_at(start - 1) && bytes.get(end) == Some(&b' ') && alnum_at(end + 1) {
                // `paypal-resolution[.] com`: one stray space after it.
                end += 1;
            }
            Some(Edit { start, end, with: with.to_string() })
        })
        .collect();
    let mut result = if edits.is_empty() {
        Refanged { text: Cow::Borrowed(input), changed: Vec::new() }
    } else {
        let (text, changed) = apply(input, &edits);
        Refanged { text: Cow::Owned(text), changed }
    };
    spelled_out(&mut result);
    spaced_at(&mut result);
    result
}

/// Joins `user @ domain` when the domain was defanged.
fn spaced_at(r: &mut Refanged<'_>) {
    if r.changed.is_empty() {
        return;
    }
    let bytes = r.text.as_bytes();
    if memchr::memmem::find(bytes, b" @").is_none() && memchr::memmem::find(bytes, b"@ ").is_none() {
        return;
    }
    let mut edits = Vec::new();
    for caps in SPACED_AT.captures_iter(&r.text) {
        let (Some(whole), Some(local), Some(dom)) = (caps.get(0), caps.get(1), caps.get(2)) else { continue };
        if r.touches(dom.start(), dom.end()) {
            edits.push(Edit { start: whole.start(), end: whole.end(), with: format!("{}@{}", local.as_str(), dom.as_str()) });
        }
    }
    commit(r, edits);
}

/// Replaces the text by `edits` applied to it, keeping earlier spans valid.
fn commit(r: &mut Refanged<'_>, edits: Vec<Edit>) {
    if edits.is_empty() {
        return;
    }
    let (text, mut spans) = apply(&r.text, &edits);
    for (s, e) in r.changed.drain(..) {
        spans.push((shift(s, &edits), shift(e, &edits)));
    }
    spans.sort_unstable();
    r.text = Cow::Owned(text);
    r.changed = spans;
}

/// Second, rarer pass for ` dot ` / ` at ` spelled out in words.
fn spelled_out(r: &mut Refanged<'_>) {
    let bytes = r.text.as_bytes();
    if memchr::memmem::find(bytes, b" dot ").is_none() && memchr::memmem::find(bytes, b" DOT ").is_none() {
        return;
    }
    let mut edits = Vec::new();
    for m in SPELLED_DOT.find_iter(&r.text) {
        let joined = m.as_str().split_whitespace().filter(|w| !w.eq_ignore_ascii_case("dot")).collect::<Vec<_>>().join(".");
        let tld = joined.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        if SPELLED_TLDS.contains(&tld.as_str()) && super::domain::is_known_tld(&tld) {
            edits.push(Edit { start: m.start(), end: m.end(), with: joined });
        }
    }
    if edits.is_empty() {
        return;
    }
    commit(r, edits);
    // `john at evil.com`, only where the domain itself was spelled out, so that
    // "meet at example.com" in prose stays prose.
    let mut edits = Vec::new();
    for caps in SPELLED_AT.captures_iter(&r.text) {
        let (Some(whole), Some(local), Some(dom)) = (caps.get(0), caps.get(1), caps.get(2)) else {
            continue;
        };
        if r.touches(dom.start(), dom.end()) {
            edits.push(Edit { start: whole.start(), end: whole.end(), with: format!("{}@{}", local.as_str(), dom.as_str()) });
        }
    }
    commit(r, edits);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_text_is_borrowed() {
        let r = refang("nothing to see at example.com");
        assert!(matches!(r.text, Cow::Borrowed(_)));
        assert!(r.changed.is_empty());
    }

    #[test]
    fn every_bracket_form_is_refanged() {
        for (form, plain) in FORMS {
            let input = format!("a{form}b");
            let r = refang(&input);
            assert_eq!(r.text, format!("a{plain}b"), "form {form:?}");
            assert!(r.touches(1, 1 + plain.len()), "form {form:?} not marked");
        }
    }

    #[test]
    fn half_word_forms_need_letters_on_both_sides() {
        assert_eq!(refang("malware-drop[dotcom").text, "malware-drop.com");
        assert_eq!(refang("see [dotnet] docs").text, "see [dotnet] docs");
        assert_eq!(refang("a (dot) b").text, "a.b");
    }

    #[test]
    fn a_stray_space_beside_a_bracketed_dot_is_absorbed() {
        assert_eq!(refang("hxxp://paypal-resolution[.] com/case").text, "http://paypal-resolution.com/case");
        assert_eq!(refang("secure-update [.]net").text, "secure-update.net");
        assert_eq!(refang("end of sentence [.] Next").text, "end of sentence.Next");
        assert_eq!(refang("a. b").text, "a. b", "a plain dot is never joined");
    }

    #[test]
    fn schemes_are_refanged_case_insensitively() {
        assert_eq!(refang("HXXPS://evil[.]com").text, "https://evil.com");
        assert_eq!(refang("hXXp[:]//1.2.3[.]4/x").text, "http://1.2.3.4/x");
        assert_eq!(refang("fxp://files[.]evil.com").text, "ftp://files.evil.com");
    }

    #[test]
    fn spelled_out_dot_needs_a_real_tld() {
        assert_eq!(refang("evil dot com").text, "evil.com");
        assert_eq!(refang("john at evil dot com").text, "john@evil.com");
        assert_eq!(refang("connect the dot to the line").text, "connect the dot to the line");
        assert_eq!(refang("a dot b").text, "a dot b");
    }
}
