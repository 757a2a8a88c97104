//! Word splitting by hand: the same words as the regex
//! `[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:['’.\-+&/][\p{L}\p{N}][\p{L}\p{N}\p{M}]*)*`, found in
//! one forward pass instead of a forward and a reverse DFA search per word (word splitting
//! runs over every line, heading and title candidate). The Unicode classes come from
//! regex-syntax, so they are the regex crate's own tables; tests compare both on random text.

use once_cell::sync::Lazy;

/// Sorted, disjoint code point ranges of a Unicode class, read from regex-syntax.
fn class_ranges(pattern: &str) -> Vec<(u32, u32)> {
    use regex_syntax::hir::{Class, HirKind};
    let hir = regex_syntax::Parser::new()
        .parse(pattern)
        .expect("a Unicode class parses");
    match hir.kind() {
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .map(|r| (u32::from(r.start()), u32::from(r.end())))
            .collect(),
        _ => panic!("{pattern} is not a Unicode class"),
    }
}

static LETTER_OR_NUMBER: Lazy<Vec<(u32, u32)>> = Lazy::new(|| class_ranges(r"[\p{L}\p{N}]"));
static MARK: Lazy<Vec<(u32, u32)>> = Lazy::new(|| class_ranges(r"\p{M}"));

fn in_ranges(ranges: &[(u32, u32)], c: char) -> bool {
    let c = u32::from(c);
    let i = ranges.partition_point(|&(_, end)| end < c);
    ranges.get(i).is_some_and(|&(start, _)| start <= c)
}

/// `[\p{L}\p{N}]`.
#[inline]
pub(super) fn is_letter_or_number(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        in_ranges(&LETTER_OR_NUMBER, c)
    }
}

/// `[\p{L}\p{N}\p{M}]` (no ASCII character is a mark).
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        in_ranges(&LETTER_OR_NUMBER, c) || in_ranges(&MARK, c)
    }
}

/// The characters that join two parts of one word (`cert-manager`, `solo.io`, `l’IA`).
#[inline]
fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '.' | '-' | '+' | '&' | '/')
}

/// One word: a byte range of the text it was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Word<'h> {
    haystack: &'h str,
    start: usize,
    end: usize,
}

impl<'h> Word<'h> {
    pub(super) fn start(&self) -> usize {
        self.start
    }

    pub(super) fn end(&self) -> usize {
        self.end
    }

    pub(super) fn as_str(&self) -> &'h str {
        &self.haystack[self.start..self.end]
    }
}

/// The words of `haystack`, left to right.
pub(super) fn words(haystack: &str) -> Words<'_> {
    Words { haystack, pos: 0 }
}

pub(super) struct Words<'h> {
    haystack: &'h str,
    pos: usize,
}

impl<'h> Iterator for Words<'h> {
    type Item = Word<'h>;

    fn next(&mut self) -> Option<Word<'h>> {
        let h = self.haystack;
        let bytes = h.as_bytes();
        // Find the first letter or number.
        let mut i = self.pos;
        let start = loop {
            let &b = bytes.get(i)?;
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
                    break i;
                }
                i += 1;
            } else {
                let c = h[i..].chars().next().expect("on a char boundary");
                if is_letter_or_number(c) {
                    break i;
                }
                i += c.len_utf8();
            }
        };
        // Greedy: every word character, then a joiner only when a letter or number follows.
        let mut i = start;
        while let Some(c) = h[i..].chars().next() {
            if is_word_char(c) {
                i += c.len_utf8();
                continue;
            }
            if is_joiner(c)
                && h[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(is_letter_or_number)
            {
                i += c.len_utf8();
                continue;
            }
            break;
        }
        self.pos = i;
        Some(Word {
            haystack: h,
            start,
            end: i,
        })
    }
}

/// The length of a French elision at the start of a word (`d'`, `l’`, `qu'`), else 0:
/// what `^(?i:qu|[dlnjcmst])['’]` matches.
pub(super) fn elision_len(w: &str) -> usize {
    let mut chars = w.chars();
    let first = chars.next();
    let lead = match first {
        Some('q' | 'Q') => match chars.next() {
            Some('u' | 'U') => 2,
            _ => return 0,
        },
        // `(?i)s` also matches U+017F LATIN SMALL LETTER LONG S.
        Some(
            'd' | 'D' | 'l' | 'L' | 'n' | 'N' | 'j' | 'J' | 'c' | 'C' | 'm' | 'M' | 's' | 'S' | 'ſ'
            | 't' | 'T',
        ) => first.map_or(0, char::len_utf8),
        _ => return 0,
    };
    match w[lead..].chars().next() {
        Some(c @ ('\'' | '’')) => lead + c.len_utf8(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    static WORD: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:['’.\-+&/][\p{L}\p{N}][\p{L}\p{N}\p{M}]*)*")
            .expect("word regex")
    });
    static ELISION: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"^(?i:qu|[dlnjcmst])['’]").expect("elision regex"));

    fn by_regex(s: &str) -> Vec<(usize, usize)> {
        WORD.find_iter(s).map(|m| (m.start(), m.end())).collect()
    }

    fn by_hand(s: &str) -> Vec<(usize, usize)> {
        words(s).map(|w| (w.start(), w.end())).collect()
    }

    #[test]
    fn words_split_like_the_regex() {
        for s in [
            "",
            "cert-manager solo.io l’IA d'abord K8s",
            "Quillbyte's  Jean-Paul --x a..b a-.b 'quoted' x/ /y",
            "e\u{301}cole Ǆemal ٣٤ 二〇二四 x\u{301}\u{301}y",
            "ends with joiner- and. and’",
            "⟦P1⟧ de chez ⟦C2⟧ & co+op",
        ] {
            assert_eq!(by_hand(s), by_regex(s), "{s:?}");
        }
    }

    #[test]
    fn every_char_classifies_like_the_regex() {
        let ln = Regex::new(r"^[\p{L}\p{N}]$").expect("regex");
        let lnm = Regex::new(r"^[\p{L}\p{N}\p{M}]$").expect("regex");
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = c.to_string();
            assert_eq!(is_letter_or_number(c), ln.is_match(&s), "{c:?}");
            assert_eq!(is_word_char(c), lnm.is_match(&s), "{c:?}");
            for w in [format!("{c}'x"), format!("{c}’x"), format!("{c}u'x")] {
                assert_eq!(
                    elision_len(&w),
                    ELISION.find(&w).map_or(0, |m| m.end()),
                    "{w:?}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_splits_like_the_regex(s in r"(?:[a-zA-Z0-9 '’.\-+&/_,éÉ\u{301}٣ſ⟦⟧\n]|Jean|qu'|l’){0,40}") {
            proptest::prop_assert_eq!(by_hand(&s), by_regex(&s));
        }
    }
}
