//! Text folding shared by every stage: the key under which names compare equal.
//! Must agree with `../shared/eval/score.py`'s `fold` on ASCII/Latin text.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds a name: accents dropped, apostrophes unified, lower-cased, `'s` glued,
/// every run of non-alphanumerics collapsed to one space. Unlike the scorer, letters
/// outside ASCII are kept (so a name in another script still has a key).
pub fn fold(s: &str) -> String {
    let mut lowered = String::with_capacity(s.len());
    for c in s.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            '\u{2019}' | '\u{2018}' | '\u{02bc}' => '\'',
            c => c,
        };
        lowered.extend(c.to_lowercase());
    }
    // score.py: re.sub(r"'s\b", "s", s)
    let bytes: Vec<char> = lowered.chars().collect();
    let mut out = String::with_capacity(lowered.len());
    let mut pending_space = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == '\''
            && bytes.get(i + 1) == Some(&'s')
            && !bytes
                .get(i + 2)
                .is_some_and(|n| n.is_alphanumeric() || *n == '_')
        {
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else {
            pending_space = true;
        }
        i += 1;
    }
    out
}

/// A readable id fragment: the folded name with `-` between words.
pub fn slug(s: &str) -> String {
    fold(s).replace(' ', "-")
}

/// The scorer's token set, for title overlap.
pub fn tokens(s: &str) -> std::collections::BTreeSet<String> {
    fold(s)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_like_the_scorer() {
        assert_eq!(
            fold("Securing Shopify’s Software"),
            "securing shopifys software"
        );
        assert_eq!(fold("Josué  (Josh) Abreu"), "josue josh abreu");
        assert_eq!(fold("OVHCloud"), fold("OVHcloud"));
        assert_eq!(fold("Łukasz Ní Bhriain"), "łukasz ni bhriain");
        assert_eq!(fold("cert-manager"), "cert manager");
        assert_eq!(fold("--"), "");
    }

    #[test]
    fn slugs_are_dashed() {
        assert_eq!(
            slug("Fun with Continuous Compliance"),
            "fun-with-continuous-compliance"
        );
        assert_eq!(slug("solo.io"), "solo-io");
    }
}
