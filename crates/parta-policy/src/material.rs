//! Procedure 6.2's two rules that no rule can judge, material unrelated to education and
//! material that breaks copyright, brought down to what a file shows: a whole book as a PDF, or
//! a video, sent into a class chat. Only ever a warning before sending (the sender decides; a
//! member may still report a message), and the school may switch it off:
//!
//! ```toml
//! [material]
//! warn = true        # false: never warned
//! book_pages = 40    # a PDF of this many pages or more reads as a book
//! ```

use serde::{Deserialize, Serialize};

use crate::files::{Format, Kind, sniff};

/// A PDF this large whose pages cannot be counted (its page tree compressed) reads as a book.
pub const BOOK_BYTES: u64 = 10 * 1024 * 1024;

/// The school's setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MaterialRules {
    /// Whether the app warns at all.
    pub warn: bool,
    /// Pages from which a PDF reads as a whole book.
    pub book_pages: u32,
}

impl Default for MaterialRules {
    fn default() -> Self {
        Self {
            warn: true,
            book_pages: 40,
        }
    }
}

/// What a file looks like, for the warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Material {
    /// A PDF of `pages` pages (`None`: too large to be anything else, pages not countable).
    Book { pages: Option<u32> },
    /// A video file.
    Video,
}

impl Material {
    /// The note's name for the UI: `book` or `video`.
    pub fn name(self) -> &'static str {
        match self {
            Material::Book { .. } => "book",
            Material::Video => "video",
        }
    }
}

impl MaterialRules {
    /// What `bytes`, a whole file of `size` bytes (or its start, for a file too large to read:
    /// a video is known from its first bytes), looks like.
    pub fn judge(&self, bytes: &[u8], size: u64) -> Option<Material> {
        judge(bytes, size, self.book_pages)
    }
}

/// [`MaterialRules::judge`] with a given threshold.
pub fn judge(bytes: &[u8], size: u64, book_pages: u32) -> Option<Material> {
    let format = sniff(bytes);
    if format.kind() == Kind::Video {
        return Some(Material::Video);
    }
    if format != Format::Pdf {
        return None;
    }
    match pdf_pages(bytes) {
        Some(pages) if pages >= book_pages.max(1) => Some(Material::Book { pages: Some(pages) }),
        Some(_) => None,
        None if size >= BOOK_BYTES => Some(Material::Book { pages: None }),
        None => None,
    }
}

/// The pages of a PDF: the largest `/Count` of a page tree node (the root's), else the page
/// objects (`/Type /Page`) counted; `None` where neither is readable (object streams compress
/// them).
pub fn pdf_pages(bytes: &[u8]) -> Option<u32> {
    let mut largest: Option<u32> = None;
    let mut pages = 0u32;
    let mut at = 0;
    while let Some(found) = find(&bytes[at..], b"/Type") {
        let mut i = at + found + b"/Type".len();
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if bytes[i..].starts_with(b"/Pages") {
            if let Some(count) = count_near(bytes, at + found) {
                largest = Some(largest.map_or(count, |l| l.max(count)));
            }
        } else if bytes[i..].starts_with(b"/Page")
            && !bytes
                .get(i + b"/Page".len())
                .is_some_and(u8::is_ascii_alphanumeric)
        {
            pages = pages.saturating_add(1);
        }
        at = i;
    }
    largest.or((pages > 0).then_some(pages))
}

/// The `/Count N` in the dictionary around byte `at` (within 300 bytes either way).
fn count_near(bytes: &[u8], at: usize) -> Option<u32> {
    let from = at.saturating_sub(300);
    let to = (at + 300).min(bytes.len());
    let window = &bytes[from..to];
    let found = find(window, b"/Count")?;
    let digits: String = window[found + b"/Count".len()..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|b| char::from(*b))
        .collect();
    digits.parse().ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain PDF of `n` pages, as a simple writer makes it.
    fn pdf(n: u32) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n".to_vec();
        out.extend_from_slice(
            format!("2 0 obj << /Type /Pages /Kids [] /Count {n} >> endobj\n").as_bytes(),
        );
        for i in 0..n {
            out.extend_from_slice(
                format!("{} 0 obj << /Type /Page /Parent 2 0 R >> endobj\n", i + 3).as_bytes(),
            );
        }
        out.extend_from_slice(b"%%EOF\n");
        out
    }

    #[test]
    fn pages_are_counted_from_the_tree_or_the_page_objects() {
        assert_eq!(pdf_pages(&pdf(3)), Some(3));
        assert_eq!(pdf_pages(&pdf(120)), Some(120));
        // No page tree count: the page objects (written without spaces) are counted.
        let loose =
            b"%PDF-1.7\n<</Type/Page>>\n<</Type/Page/Parent 1 0 R>>\n<</Type/Pages/Kids[]>>";
        assert_eq!(pdf_pages(loose), Some(2));
        assert_eq!(pdf_pages(b"%PDF-1.7\nstream compressed endstream"), None);
    }

    #[test]
    fn a_book_and_a_video_are_named_and_a_worksheet_is_not() {
        let rules = MaterialRules::default();
        let book = pdf(200);
        assert_eq!(
            rules.judge(&book, book.len() as u64),
            Some(Material::Book { pages: Some(200) })
        );
        let worksheet = pdf(4);
        assert_eq!(rules.judge(&worksheet, worksheet.len() as u64), None);
        let mp4 = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";
        assert_eq!(rules.judge(mp4, 300 * 1024 * 1024), Some(Material::Video));
        // Pages hidden in compressed streams: a large file still reads as a book.
        let hidden = b"%PDF-1.7\nstream x endstream";
        assert_eq!(rules.judge(hidden, 1024), None);
        assert_eq!(
            rules.judge(hidden, BOOK_BYTES),
            Some(Material::Book { pages: None })
        );
        assert_eq!(judge(b"plain text", 10, 40), None);
    }

    #[test]
    fn the_school_may_switch_it_off_or_move_the_threshold() {
        let policy = crate::Policy::from_toml("[material]\nwarn = false\nbook_pages = 60\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(policy.material, off_at(60));
        assert!(crate::Policy::from_toml("[material]\npages = 3\n").is_err());
    }

    fn off_at(book_pages: u32) -> MaterialRules {
        MaterialRules {
            warn: false,
            book_pages,
        }
    }
}
