//! The highlighted difference between the generated draft and the report as
//! it stands: a line diff (Myers' algorithm in its linear-space form, from
//! the `similar` crate). Memory grows with the number of lines, not with
//! their product, so a report of 40,000 lines costs megabytes, not the
//! gigabytes a dynamic-programming table would; past a second the diff is
//! allowed to be coarser (still correct, less minimal).

use serde::Serialize;
use similar::{Algorithm, ChangeTag, TextDiff};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case", tag = "op", content = "text")]
pub enum Line {
    Same(String),
    Added(String),
    Removed(String),
}

pub fn lines(before: &str, after: &str) -> Vec<Line> {
    // A last line without its newline is the same line as with one.
    let ended = |t: &str| if t.is_empty() || t.ends_with('\n') { t.to_string() } else { format!("{t}\n") };
    let (before, after) = (ended(before), ended(after));
    let diff = TextDiff::configure().algorithm(Algorithm::Myers).deadline(Instant::now() + Duration::from_secs(1)).diff_lines(&before, &after);
    diff.iter_all_changes()
        .map(|c| {
            let text = c.value().trim_end_matches(['\n', '\r']).to_string();
            match c.tag() {
                ChangeTag::Equal => Line::Same(text),
                ChangeTag::Insert => Line::Added(text),
                ChangeTag::Delete => Line::Removed(text),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(d: &[Line]) -> (usize, usize, usize) {
        d.iter().fold((0, 0, 0), |(s, a, r), l| match l {
            Line::Same(_) => (s + 1, a, r),
            Line::Added(_) => (s, a + 1, r),
            Line::Removed(_) => (s, a, r + 1),
        })
    }

    #[test]
    fn changed_lines_are_marked() {
        let d = lines("a\nb\nc", "a\nB\nc\nd");
        assert_eq!(count(&d), (2, 2, 1));
        assert!(d.contains(&Line::Removed("b".into())) && d.contains(&Line::Added("B".into())) && d.contains(&Line::Added("d".into())));
        assert_eq!(d.first(), Some(&Line::Same("a".into())));
    }

    /// 40,000 lines each side, every one changed: a table would need
    /// 40,001² cells (6.4 GB of u32); this must simply finish with every line
    /// accounted for.
    #[test]
    fn huge_reports_diff_in_linear_memory() {
        let before: String = (0..40_000).map(|i| format!("old line {i}\n")).collect();
        let after: String = (0..40_000).map(|i| format!("new line {i}\n")).collect();
        let (same, added, removed) = count(&lines(&before, &after));
        assert_eq!((same, added, removed), (0, 40_000, 40_000));
    }
}
