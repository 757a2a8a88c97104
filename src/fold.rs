//! Text folding shared by every stage: the key under which names compare equal.
//! Must agree with `../shared/eval/score.py`'s `fold` on ASCII/Latin text.

use once_cell::sync::Lazy;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds a name: accents dropped, apostrophes unified, lower-cased, `'s` glued,
/// every run of non-alphanumerics collapsed to one space. Unlike the scorer, letters
/// outside ASCII are kept (so a name in another script still has a key).
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return fold_ascii(s);
    }
    // Per character rather than `s.nfkd()` over the whole string: the two differ only in
    // the canonical reordering of characters with a non-zero combining class, and every
    // such character is a combining mark, which folding drops (checked over all of Unicode
    // by a test). That lets common characters come from a table instead of the normalizer.
    let mut out = Collapse {
        out: String::with_capacity(s.len()),
        pending_space: false,
        held: Held::Nothing,
    };
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(lowered) = FOLD_TABLE.get(c) {
            lowered.chars().for_each(|d| out.push(d));
        } else {
            fold_char(c, &mut |d| out.push(d));
        }
    }
    out.finish()
}

/// What [`fold`] makes of one character before collapsing: its compatibility decomposition
/// without combining marks, typographic apostrophes made ASCII, lower-cased.
fn fold_char(c: char, emit: &mut impl FnMut(char)) {
    for d in c.nfkd() {
        if is_combining_mark(d) {
            continue;
        }
        let d = match d {
            '\u{2019}' | '\u{2018}' | '\u{02bc}' => '\'',
            d => d,
        };
        d.to_lowercase().for_each(&mut *emit);
    }
}

/// What the gazetteer's folding (`extract::fold_into`) makes of one non-ASCII character:
/// like [`fold_char`], except that only an apostrophe written as such becomes ASCII, not one
/// a decomposition yields (`ŉ`).
pub(crate) fn gazetteer_fold_char(c: char, out: &mut String) {
    match GAZETTEER_TABLE.get(c) {
        Some(lowered) => out.push_str(lowered),
        None => gazetteer_fold_char_slow(c, out),
    }
}

fn gazetteer_fold_char_slow(c: char, out: &mut String) {
    let c = match c {
        '\u{2019}' | '\u{2018}' | '\u{02bc}' => '\'',
        c => c,
    };
    for d in c.nfkd() {
        if !is_combining_mark(d) {
            out.extend(d.to_lowercase());
        }
    }
}

/// The folding of every character of the blocks most text outside ASCII uses (Latin-1,
/// Latin Extended-A and -B, General Punctuation), computed once: the normalizer and the
/// lower-casing tables cost far more per character than a lookup.
struct CharTable {
    text: String,
    /// Entry `i` is `text[ends[i - 1]..ends[i]]`.
    ends: Vec<u16>,
}

const LATIN: std::ops::Range<u32> = 0x80..0x250;
const PUNCTUATION: std::ops::Range<u32> = 0x2000..0x2070;

impl CharTable {
    fn new(fold: impl Fn(char, &mut String)) -> CharTable {
        let mut table = CharTable {
            text: String::new(),
            ends: Vec::new(),
        };
        for c in LATIN.chain(PUNCTUATION).filter_map(char::from_u32) {
            fold(c, &mut table.text);
            table
                .ends
                .push(u16::try_from(table.text.len()).expect("a small table"));
        }
        table
    }

    #[inline]
    fn get(&self, c: char) -> Option<&str> {
        let c = u32::from(c);
        let i = if LATIN.contains(&c) {
            c - LATIN.start
        } else if PUNCTUATION.contains(&c) {
            c - PUNCTUATION.start + LATIN.len() as u32
        } else {
            return None;
        } as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.text[usize::from(start)..usize::from(self.ends[i])])
    }
}

static FOLD_TABLE: Lazy<CharTable> = Lazy::new(|| {
    CharTable::new(|c, out| {
        fold_char(c, &mut |d| out.push(d));
    })
});
static GAZETTEER_TABLE: Lazy<CharTable> = Lazy::new(|| CharTable::new(gazetteer_fold_char_slow));

/// What an apostrophe seen last is waiting for: `'s` glued (`'s` not followed by a word
/// character loses its apostrophe) needs two characters of look-ahead.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Held {
    Nothing,
    Apostrophe,
    ApostropheS,
}

/// The second stage of [`fold`], fed one lower-cased character at a time: `'s` glued,
/// runs of non-alphanumerics made one space, none at either end.
struct Collapse {
    out: String,
    pending_space: bool,
    held: Held,
}

impl Collapse {
    #[inline]
    fn push(&mut self, c: char) {
        match (self.held, c) {
            (Held::Nothing, '\'') => self.held = Held::Apostrophe,
            (Held::Nothing, c) => self.emit(c),
            (Held::Apostrophe, 's') => self.held = Held::ApostropheS,
            (Held::Apostrophe, c) => {
                self.held = Held::Nothing;
                self.emit('\'');
                self.push(c);
            }
            (Held::ApostropheS, c) => {
                self.held = Held::Nothing;
                if c.is_alphanumeric() || c == '_' {
                    self.emit('\'');
                }
                self.emit('s');
                self.push(c);
            }
        }
    }

    #[inline]
    fn emit(&mut self, c: char) {
        if c.is_alphanumeric() {
            if self.pending_space && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.pending_space = false;
            self.out.push(c);
        } else {
            self.pending_space = true;
        }
    }

    fn finish(mut self) -> String {
        match self.held {
            Held::Nothing => {}
            Held::Apostrophe => self.emit('\''),
            Held::ApostropheS => self.emit('s'),
        }
        self.out
    }
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

    /// `fold` as it was before its per-character tables: the whole string through the
    /// normalizer, then collapsed. The reference the faster path must agree with.
    fn fold_reference(s: &str) -> String {
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

    /// Why folding character by character is folding the whole string: NFKD differs from
    /// the concatenation of each character's NFKD only by reordering characters with a
    /// non-zero combining class, and those are all marks, which folding drops.
    #[test]
    fn every_character_that_reorders_is_a_dropped_mark() {
        use unicode_normalization::char::canonical_combining_class;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for d in std::iter::once(c).chain(c.nfkd()) {
                assert!(
                    canonical_combining_class(d) == 0 || is_combining_mark(d),
                    "{c:?} gives {d:?}"
                );
            }
        }
    }

    #[test]
    fn every_character_folds_like_the_reference() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for s in [
                c.to_string(),
                format!("A{c}'S"),
                format!("{c}s x"),
                format!("x'{c}"),
            ] {
                assert_eq!(fold(&s), fold_reference(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn the_gazetteer_table_folds_like_the_normalizer() {
        for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
            let (mut fast, mut slow) = (String::new(), String::new());
            gazetteer_fold_char(c, &mut fast);
            gazetteer_fold_char_slow(c, &mut slow);
            assert_eq!(fast, slow, "{c:?}");
        }
    }

    /// Characters where folding is easy to get wrong: accents precomposed and combining,
    /// ligatures, letters that lower-case to two, final sigma, fullwidth and compatibility
    /// forms, apostrophes of every kind, a decomposition that yields an apostrophe (`ŉ`).
    const TRICKY: &str = "(?:[a-zA-Z0-9 _'’‘ʼ`.,\\-]|é|É|è|ê|ë|ç|à|â|î|ï|ô|ö|ü|ù|û|ÿ|ñ|ø|Ø|å|æ|Æ|œ|Œ|ß|ẞ|ſ|ﬁ|ﬂ|ﬀ|ĳ|Ĳ|ŉ|ǆ|ǅ|Ǆ|İ|ı|I|i|Σ|σ|ς|Ω|Ω|K|Å|Ａ|ｚ|１|＇|ｓ|ǰ|ΐ|ﬃ|½|²|ª|º|µ|™|…|\u{a0}|\u{202f}|\u{2009}|–|—|«|»|“|”|\u{301}|\u{308}|\u{327}|\u{345}|\u{200d}|\u{fe0f}|🎉|Ł|ł|Đ|đ|Ħ|ŀ|Ŀ|Ǉ|ǈ|ǉ|ά|ᾳ|Ᾰ|ё|Й|й|ا|٣|二|가|각|ｶﾞ|ヴ|\u{1E9B}|\u{1E9E}){0,24}";

    proptest::proptest! {
        #[test]
        fn any_text_folds_like_the_reference(s in "\\PC{0,40}") {
            proptest::prop_assert_eq!(fold(&s), fold_reference(&s));
        }

        #[test]
        fn tricky_text_folds_like_the_reference(s in TRICKY) {
            proptest::prop_assert_eq!(fold(&s), fold_reference(&s));
        }
    }
}
