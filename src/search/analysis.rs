//! Vietnamese text analysis for the index: composed (NFC) first, then split into syllables
//! and lower-cased; the folded analyzer also drops the tone and vowel marks (`nghiệp` →
//! `nghiep`, `Đ` → `d`).
//!
//! NFC comes first because a decomposed `nghiệp` holds combining marks that are not letters,
//! so a letter-run tokenizer would cut it into `nghie` + `p`.

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;

/// Tokenizer name of the exact (accented, lower-case) fields.
pub const EXACT: &str = "vi_exact";
/// Tokenizer name of the accent-folded fields.
pub const FOLDED: &str = "vi_folded";
/// Tokenizer name of the field of folded word pairs (`cong nhan`, `nhan may`): words side by
/// side are found as one term, without reading positions.
pub const PAIRS: &str = "vi_pairs";

/// Syllables of Vietnamese text, lower-cased, optionally folded.
#[derive(Clone, Copy, Debug)]
pub struct VietnameseTokenizer {
    fold: bool,
}

impl VietnameseTokenizer {
    pub fn exact() -> VietnameseTokenizer {
        VietnameseTokenizer { fold: false }
    }

    pub fn folded() -> VietnameseTokenizer {
        VietnameseTokenizer { fold: true }
    }

    /// The tokens of `text`. Offsets point into `text` when it is already NFC (everything
    /// stored is); for other input they point into its NFC form.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let composed: std::borrow::Cow<'_, str> =
            match unicode_normalization::is_nfc_quick(text.chars()) {
                unicode_normalization::IsNormalized::Yes => text.into(),
                _ => text.nfc().collect::<String>().into(),
            };
        let mut tokens = Vec::new();
        let mut start: Option<usize> = None;
        let push = |from: usize, to: usize, tokens: &mut Vec<Token>| {
            let word = &composed[from..to];
            let text: String = if self.fold {
                crate::domain::text::fold_marks(word)
            } else {
                word.chars().flat_map(char::to_lowercase).collect()
            };
            let position = tokens.len();
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text,
                position_length: 1,
            });
        };
        for (at, c) in composed.char_indices() {
            if c.is_alphanumeric() {
                start.get_or_insert(at);
            } else if let Some(from) = start.take() {
                push(from, at, &mut tokens);
            }
        }
        if let Some(from) = start {
            push(from, composed.len(), &mut tokens);
        }
        tokens
    }
}

/// Each two neighbouring folded syllables of a text, as one token (`cong nhan`).
#[derive(Clone, Copy, Debug)]
pub struct PairTokenizer;

impl PairTokenizer {
    pub fn tokens(text: &str) -> Vec<Token> {
        let words = VietnameseTokenizer::folded().tokens(text);
        words
            .windows(2)
            .enumerate()
            .map(|(position, pair)| Token {
                offset_from: pair[0].offset_from,
                offset_to: pair[1].offset_to,
                position,
                text: pair_term(&pair[0].text, &pair[1].text),
                position_length: 1,
            })
            .collect()
    }
}

impl Tokenizer for PairTokenizer {
    type TokenStream<'a> = VietnameseTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VietnameseTokenStream {
        VietnameseTokenStream {
            tokens: PairTokenizer::tokens(text),
            next: 0,
            current: Token::default(),
        }
    }
}

/// The pair terms of a query's folded words, in order.
pub fn pairs(folded: &[String]) -> Vec<String> {
    folded
        .windows(2)
        .map(|pair| pair_term(&pair[0], &pair[1]))
        .collect()
}

/// The term two neighbouring folded words make, as indexed and as queried.
fn pair_term(first: &str, second: &str) -> String {
    format!("{first} {second}")
}

/// The tokens of one text, handed out one by one.
pub struct VietnameseTokenStream {
    tokens: Vec<Token>,
    next: usize,
    current: Token,
}

impl TokenStream for VietnameseTokenStream {
    fn advance(&mut self) -> bool {
        match self.tokens.get_mut(self.next) {
            Some(token) => {
                self.current = std::mem::take(token);
                self.next += 1;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

impl Tokenizer for VietnameseTokenizer {
    type TokenStream<'a> = VietnameseTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VietnameseTokenStream {
        VietnameseTokenStream {
            tokens: self.tokens(text),
            next: 0,
            current: Token::default(),
        }
    }
}

/// Registers both analyzers on an index.
pub fn register(index: &tantivy::Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(EXACT, TextAnalyzer::from(VietnameseTokenizer::exact()));
    tokenizers.register(FOLDED, TextAnalyzer::from(VietnameseTokenizer::folded()));
    tokenizers.register(PAIRS, TextAnalyzer::from(PairTokenizer));
}

/// The token texts of a query string, for building queries by hand.
pub fn terms(text: &str, folded: bool) -> Vec<String> {
    let tokenizer = if folded {
        VietnameseTokenizer::folded()
    } else {
        VietnameseTokenizer::exact()
    };
    tokenizer
        .tokens(text)
        .into_iter()
        .map(|token| token.text)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_composed_and_unaccented_fold_to_the_same_terms() {
        let composed = "Công nhân may công nghiệp";
        let decomposed: String = composed.nfd().collect();
        let expected = ["cong", "nhan", "may", "cong", "nghiep"];
        assert_eq!(terms(composed, true), expected);
        assert_eq!(terms(&decomposed, true), expected);
        assert_eq!(terms("cong nhan may cong nghiep", true), expected);
    }

    #[test]
    fn exact_terms_keep_marks_and_compose_first() {
        let decomposed: String = "Nghiệp vụ, ĐIỆN".nfd().collect();
        assert_eq!(terms(&decomposed, false), ["nghiệp", "vụ", "điện"]);
    }

    #[test]
    fn pairs_are_neighbouring_folded_syllables() {
        let decomposed: String = "Công nhân may, Lò Thị Ỏn".nfd().collect();
        let texts: Vec<String> = PairTokenizer::tokens(&decomposed)
            .into_iter()
            .map(|token| token.text)
            .collect();
        assert_eq!(
            texts,
            ["cong nhan", "nhan may", "may lo", "lo thi", "thi on"]
        );
        assert_eq!(
            pairs(&terms("cong nhan may", true)),
            ["cong nhan", "nhan may"]
        );
        assert!(PairTokenizer::tokens("may").is_empty());
    }

    #[test]
    fn offsets_point_into_the_stored_text() {
        let text = "Thợ hàn, điện";
        let tokens = VietnameseTokenizer::folded().tokens(text);
        let words: Vec<&str> = tokens
            .iter()
            .map(|token| &text[token.offset_from..token.offset_to])
            .collect();
        assert_eq!(words, ["Thợ", "hàn", "điện"]);
        assert_eq!(tokens[2].text, "dien");
        assert_eq!(tokens[2].position, 2);
    }
}
