//! Vietnamese text as Ketnoi stores and searches it.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Trimmed, inner whitespace collapsed to single spaces, NFC. Keyboards and Macs send
/// decomposed Vietnamese (NFD); stored text is always composed.
pub fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfc()
        .collect()
}

/// Lower case without accents, for accent-proof prefix search: `Lò Thị Ỏn` → `lo thi on`,
/// `Đinh` → `dinh`. Works the same on composed and decomposed input.
pub fn fold(text: &str) -> String {
    fold_marks(&normalize(text))
}

/// [`fold`] without the whitespace clean-up: for single words (the search analyzer).
pub fn fold_marks(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_decomposed_input_to_nfc() {
        let decomposed: String = "Hà Văn Thắm".nfd().collect();
        assert_ne!(decomposed, "Hà Văn Thắm");
        assert_eq!(normalize(&format!("  {decomposed}\t ")), "Hà Văn Thắm");
        assert_eq!(normalize("Lò   Thị\nỎn"), "Lò Thị Ỏn");
    }

    #[test]
    fn folds_accents_case_and_d_stroke() {
        assert_eq!(fold("Lò Thị Ỏn"), "lo thi on");
        assert_eq!(fold("ĐINH Văn Thắm"), "dinh van tham");
        let decomposed: String = "công nhân may công nghiệp".nfd().collect();
        assert_eq!(fold(&decomposed), "cong nhan may cong nghiep");
    }
}
