//! Text folding shared by every stage: the key under which names compare equal.
//! Must agree with `../shared/eval/score.py`'s `fold` on ASCII/Latin text.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds a name: accents dropped, apostrophes unified, lower-cased, `'s` glued,
/// every run of non-alphanumerics collapsed to one space. Unlike the scorer, letters
/// outside ASCII are kept (so a name in another script still has a key).
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return fold_ascii(s);
    }
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

/// [`fold`] of ASCII text, which has nothing to decompose: the same result without the
/// Unicode tables or the intermediate buffers (most names are ASCII, and folding is hot).
fn fold_ascii(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i].to_ascii_lowercase();
        if c == b'\''
            && b.get(i + 1).map(u8::to_ascii_lowercase) == Some(b's')
            && !b
                .get(i + 2)
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'_')
        {
            i += 1;
            continue;
        }
        if c.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(char::from(c));
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

    /// The general path, for comparing the ASCII shortcut with.
    fn fold_unicode(s: &str) -> String {
        // A non-ASCII character that folds to nothing forces the general path.
        fold(&format!("{s}\u{301}"))
    }

    #[test]
    fn the_ascii_shortcut_folds_like_the_general_path() {
        for s in [
            "Shopify's Software",
            "SHOPIFY'S",
            "it's_x",
            "'s",
            "a's's",
            "  --Hello,  World!! ",
            "k8s/K3S x_y",
            "O'Brien's",
            "",
        ] {
            assert_eq!(fold(s), fold_unicode(s), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_ascii_folds_like_the_general_path(s in "[ -~]{0,40}") {
            proptest::prop_assert_eq!(fold(&s), fold_unicode(&s));
        }
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
