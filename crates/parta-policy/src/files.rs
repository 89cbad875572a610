//! File formats allowed in school chats (procedure 3.1), decided by content, not by name.
//!
//! [`sniff`] reads the first bytes (magic numbers, and for ZIP containers the names of their
//! first entries) and names the format; [`FileRules::check`] applies the school's allowlist and
//! MAX's per-type size limits, and explains a refusal in a sentence.

use serde::{Deserialize, Serialize};

/// A format recognised by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Format {
    Jpeg,
    Png,
    Gif,
    Tiff,
    Bmp,
    Heic,
    Webp,
    Mp4,
    Mov,
    Mkv,
    Webm,
    Mp3,
    Ogg,
    Wav,
    M4a,
    Flac,
    Pdf,
    Docx,
    Xlsx,
    Pptx,
    Odt,
    Ods,
    Odp,
    /// Legacy Office (OLE compound file: .doc, .xls, .ppt).
    Ole,
    Rtf,
    /// Valid UTF-8 text without control bytes.
    Text,
    Zip,
    /// Windows executable (MZ).
    Exe,
    /// Linux executable (ELF).
    Elf,
    /// Mach-O executable.
    MachO,
    /// A script starting with `#!`.
    Script,
    Unknown,
}

/// MAX's attachment kinds, each with its own size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Image,
    Video,
    Audio,
    File,
}

impl Format {
    /// The attachment kind MAX uses for this format.
    pub fn kind(self) -> Kind {
        use Format::*;
        match self {
            Jpeg | Png | Gif | Tiff | Bmp | Heic | Webp => Kind::Image,
            Mp4 | Mov | Mkv | Webm => Kind::Video,
            Mp3 | Ogg | Wav | M4a | Flac => Kind::Audio,
            _ => Kind::File,
        }
    }

    /// A short human name ("PDF", "EXE").
    pub fn name(self) -> &'static str {
        use Format::*;
        match self {
            Jpeg => "JPG",
            Png => "PNG",
            Gif => "GIF",
            Tiff => "TIFF",
            Bmp => "BMP",
            Heic => "HEIC",
            Webp => "WEBP",
            Mp4 => "MP4",
            Mov => "MOV",
            Mkv => "MKV",
            Webm => "WEBM",
            Mp3 => "MP3",
            Ogg => "OGG",
            Wav => "WAV",
            M4a => "M4A",
            Flac => "FLAC",
            Pdf => "PDF",
            Docx => "DOCX",
            Xlsx => "XLSX",
            Pptx => "PPTX",
            Odt => "ODT",
            Ods => "ODS",
            Odp => "ODP",
            Ole => "DOC/XLS/PPT",
            Rtf => "RTF",
            Text => "TXT",
            Zip => "ZIP",
            Exe => "EXE",
            Elf => "ELF",
            MachO => "Mach-O",
            Script => "скрипт",
            Unknown => "неизвестный формат",
        }
    }
}

fn starts(data: &[u8], magic: &[u8]) -> bool {
    data.len() >= magic.len() && &data[..magic.len()] == magic
}

fn contains(data: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && data.windows(needle.len()).any(|w| w == needle)
}

/// Names the format of a file from its first bytes (4 KiB are plenty).
pub fn sniff(head: &[u8]) -> Format {
    use Format::*;
    if starts(head, b"\xFF\xD8\xFF") {
        return Jpeg;
    }
    if starts(head, b"\x89PNG\r\n\x1a\n") {
        return Png;
    }
    if starts(head, b"GIF87a") || starts(head, b"GIF89a") {
        return Gif;
    }
    if starts(head, b"II*\0") || starts(head, b"MM\0*") {
        return Tiff;
    }
    if starts(head, b"BM") && head.len() >= 14 {
        return Bmp;
    }
    if starts(head, b"RIFF") && head.len() >= 12 {
        match &head[8..12] {
            b"WEBP" => return Webp,
            b"WAVE" => return Wav,
            _ => {}
        }
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        let brand = &head[8..12];
        return match brand {
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" => Heic,
            b"qt  " => Mov,
            b"M4A " | b"M4B " => M4a,
            _ => Mp4,
        };
    }
    if starts(head, b"\x1A\x45\xDF\xA3") {
        return if contains(&head[..head.len().min(64)], b"webm") {
            Webm
        } else {
            Mkv
        };
    }
    if starts(head, b"ID3") || (head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) {
        return Mp3;
    }
    if starts(head, b"OggS") {
        return Ogg;
    }
    if starts(head, b"fLaC") {
        return Flac;
    }
    if starts(head, b"%PDF-") {
        return Pdf;
    }
    if starts(head, b"{\\rtf") {
        return Rtf;
    }
    if starts(head, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Ole;
    }
    if starts(head, b"PK\x03\x04") {
        return zip_kind(head);
    }
    if starts(head, b"MZ") {
        return Exe;
    }
    if starts(head, b"\x7FELF") {
        return Elf;
    }
    if starts(head, b"\xCF\xFA\xED\xFE")
        || starts(head, b"\xFE\xED\xFA\xCF")
        || starts(head, b"\xCA\xFE\xBA\xBE")
    {
        return MachO;
    }
    if starts(head, b"#!") {
        return Script;
    }
    if is_text(head) {
        return Text;
    }
    Unknown
}

fn zip_kind(head: &[u8]) -> Format {
    // OpenDocument stores its mimetype uncompressed as the first entry.
    if contains(head, b"mimetypeapplication/vnd.oasis.opendocument.text") {
        return Format::Odt;
    }
    if contains(
        head,
        b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
    ) {
        return Format::Ods;
    }
    if contains(
        head,
        b"mimetypeapplication/vnd.oasis.opendocument.presentation",
    ) {
        return Format::Odp;
    }
    // Office Open XML: the part names appear in the local file headers.
    if contains(head, b"word/") {
        return Format::Docx;
    }
    if contains(head, b"xl/") {
        return Format::Xlsx;
    }
    if contains(head, b"ppt/") {
        return Format::Pptx;
    }
    Format::Zip
}

fn is_text(head: &[u8]) -> bool {
    if head.is_empty() {
        return false;
    }
    // A cut multi-byte character at the end of the sample is fine.
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    valid
        && !head
            .iter()
            .any(|&b| b < 0x09 || (b > 0x0D && b < 0x20 && b != 0x1B))
}

/// Size limits per kind (bytes). MAX's defaults: images 50 MB, video 250 MB, audio 256 MB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub image: u64,
    pub video: u64,
    pub audio: u64,
    pub file: u64,
    /// Longest side of an image in pixels (MAX: 7680 × 7680).
    #[serde(default = "default_image_side")]
    pub image_side: u32,
}

fn default_image_side() -> u32 {
    7680
}

const MB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Self {
            image: 50 * MB,
            video: 250 * MB,
            audio: 256 * MB,
            file: 256 * MB,
            image_side: default_image_side(),
        }
    }
}

impl Limits {
    fn of(&self, kind: Kind) -> u64 {
        match kind {
            Kind::Image => self.image,
            Kind::Video => self.video,
            Kind::Audio => self.audio,
            Kind::File => self.file,
        }
    }
}

/// The school's file rules: allowed formats and size limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileRules {
    pub allowed: Vec<Format>,
    pub limits: Limits,
}

impl Default for FileRules {
    fn default() -> Self {
        use Format::*;
        Self {
            allowed: vec![
                Jpeg, Png, Gif, Tiff, Bmp, Heic, Webp, Mp4, Mov, Mkv, Webm, Mp3, Ogg, Wav, M4a,
                Flac, Pdf, Docx, Xlsx, Pptx, Odt, Ods, Odp, Ole, Rtf, Text,
            ],
            limits: Limits::default(),
        }
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum FileRefusal {
    /// The format is not on the school's list.
    #[error("файл {} не разрешён в чатах школы", .format.name())]
    FormatNotAllowed { format: Format },
    /// The file is larger than its kind allows.
    #[error("файл {format_name} слишком большой: {size_mb:.1} МБ, можно до {limit_mb} МБ", format_name = .format.name())]
    TooLarge {
        format: Format,
        size_mb: f64,
        limit_mb: u64,
    },
    /// The file is empty.
    #[error("файл пустой")]
    Empty,
    /// An image larger than the allowed dimensions.
    #[error("изображение {width}×{height} слишком большое: можно до {limit}×{limit} точек")]
    TooManyPixels { width: u32, height: u32, limit: u32 },
}

/// A file that passed: its format and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Accepted {
    pub format: Format,
    pub kind: Kind,
}

impl FileRules {
    /// Checks a file from its first bytes and its full size.
    pub fn check(&self, head: &[u8], size: u64) -> Result<Accepted, FileRefusal> {
        if size == 0 || head.is_empty() {
            return Err(FileRefusal::Empty);
        }
        let format = sniff(head);
        if !self.allowed.contains(&format) {
            return Err(FileRefusal::FormatNotAllowed { format });
        }
        let kind = format.kind();
        let limit = self.limits.of(kind);
        if size > limit {
            return Err(FileRefusal::TooLarge {
                format,
                size_mb: size as f64 / MB as f64,
                limit_mb: limit / MB,
            });
        }
        if let Some((width, height)) = image_dimensions(head) {
            let side = self.limits.image_side;
            if width > side || height > side {
                return Err(FileRefusal::TooManyPixels {
                    width,
                    height,
                    limit: side,
                });
            }
        }
        Ok(Accepted { format, kind })
    }
}

/// Width and height of a PNG, GIF, BMP or JPEG image from its first bytes (`None` for other
/// formats, or a JPEG whose size marker lies beyond `head`).
pub fn image_dimensions(head: &[u8]) -> Option<(u32, u32)> {
    let be16 = |at: usize| -> Option<u32> {
        Some(u32::from(u16::from_be_bytes(
            head.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    let le16 = |at: usize| -> Option<u32> {
        Some(u32::from(u16::from_le_bytes(
            head.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    let be32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(head.get(at..at + 4)?.try_into().ok()?))
    };
    let le32 = |at: usize| -> Option<i64> {
        Some(i64::from(i32::from_le_bytes(
            head.get(at..at + 4)?.try_into().ok()?,
        )))
    };
    if head.starts_with(b"\x89PNG\r\n\x1a\n") && head.get(12..16) == Some(b"IHDR") {
        return Some((be32(16)?, be32(20)?));
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return Some((le16(6)?, le16(8)?));
    }
    if head.starts_with(b"BM") {
        let width = u32::try_from(le32(18)?.abs()).ok()?;
        let height = u32::try_from(le32(22)?.abs()).ok()?;
        return Some((width, height));
    }
    if head.starts_with(b"\xFF\xD8") {
        // Walk the JPEG segments to a start-of-frame marker (C0–CF but C4, C8, CC).
        let mut at = 2;
        while at + 9 < head.len() {
            if head[at] != 0xFF {
                return None;
            }
            let marker = head[at + 1];
            if marker == 0xFF {
                at += 1;
                continue;
            }
            let length = be16(at + 2)? as usize;
            let is_frame = (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker);
            if is_frame {
                return Some((be16(at + 7)?, be16(at + 5)?));
            }
            at += 2 + length;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(b"\x08\x06\0\0\0");
        bytes
    }

    #[test]
    fn image_dimensions_are_read_from_png_gif_bmp_and_jpeg_headers() {
        assert_eq!(image_dimensions(&png(640, 480)), Some((640, 480)));
        assert_eq!(
            image_dimensions(b"GIF89a\x80\x02\xe0\x01\0\0"),
            Some((640, 480))
        );
        let mut bmp = b"BM".to_vec();
        bmp.resize(18, 0);
        bmp.extend_from_slice(&640i32.to_le_bytes());
        bmp.extend_from_slice(&(-480i32).to_le_bytes());
        assert_eq!(
            image_dimensions(&bmp),
            Some((640, 480)),
            "top-down BMPs have negative height"
        );
        // SOI, an APP0 segment of 16 bytes, then SOF0 with height 480, width 640.
        let mut jpeg = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0".to_vec();
        jpeg.extend_from_slice(b"\xFF\xC0\0\x11\x08\x01\xE0\x02\x80\x03\x01\x22\0");
        assert_eq!(image_dimensions(&jpeg), Some((640, 480)));
        assert_eq!(image_dimensions(b"%PDF-1.7"), None);
        assert_eq!(
            image_dimensions(b"\xFF\xD8\xFF"),
            None,
            "a cut header gives nothing"
        );
    }

    #[test]
    fn images_over_7680_points_a_side_are_refused_as_max_refuses_them() {
        let rules = FileRules::default();
        assert!(rules.check(&png(7680, 7680), 1000).is_ok());
        let err = rules.check(&png(7681, 100), 1000).unwrap_err();
        assert_eq!(
            err.to_string(),
            "изображение 7681×100 слишком большое: можно до 7680×7680 точек"
        );
    }

    #[test]
    fn formats_are_recognised_by_content_whatever_the_name() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), Format::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Format::Png);
        assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3"), Format::Pdf);
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Format::Heic);
        assert_eq!(sniff(b"\0\0\0\x20ftypisom\0\0\x02\0"), Format::Mp4);
        assert_eq!(sniff(b"\0\0\0\x14ftypqt  \0\0\0\0"), Format::Mov);
        assert_eq!(
            sniff(b"PK\x03\x04\x14\0\0\0\x08\0[Content_Types].xml...word/document.xml"),
            Format::Docx
        );
        assert_eq!(
            sniff(b"PK\x03\x04\0\0mimetypeapplication/vnd.oasis.opendocument.text"),
            Format::Odt
        );
        assert_eq!(sniff("Домашнее задание: № 245\n".as_bytes()), Format::Text);
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0"), Format::Exe);
        assert_eq!(sniff(b"\x7FELF\x02\x01\x01"), Format::Elf);
    }

    #[test]
    fn an_exe_is_refused_with_a_sentence_even_when_named_pdf() {
        let err = FileRules::default()
            .check(b"MZ\x90\0\x03\0\0\0", 1000)
            .unwrap_err();
        assert_eq!(err.to_string(), "файл EXE не разрешён в чатах школы");
    }

    #[test]
    fn size_limits_follow_the_kind() {
        let rules = FileRules::default();
        let jpeg = b"\xFF\xD8\xFF\xE0";
        assert!(rules.check(jpeg, 50 * MB).is_ok());
        let err = rules.check(jpeg, 50 * MB + 1).unwrap_err();
        assert!(
            err.to_string().starts_with("файл JPG слишком большой"),
            "{err}"
        );
        assert!(
            rules.check(b"\0\0\0\x20ftypisom", 250 * MB).is_ok(),
            "video may be larger"
        );
    }

    #[test]
    fn binary_junk_and_empty_files_are_refused() {
        let rules = FileRules::default();
        assert_eq!(rules.check(b"", 0), Err(FileRefusal::Empty));
        assert!(matches!(
            rules.check(&[0, 1, 2, 3, 0xFE], 5),
            Err(FileRefusal::FormatNotAllowed {
                format: Format::Unknown
            })
        ));
    }
}
