//! The CJK font the PDFs embed: Noto Serif CJK SC, subset to ASCII, GB 2312
//! and the notices' fixed text (`assets/fonts/README.md` says how), compiled
//! into the binary, so nothing is read or fetched at run time.

use std::sync::LazyLock;

use ttf_parser::{Face, GlyphId};

/// The font file, under the SIL Open Font License 1.1
/// (`assets/fonts/LICENSE-OFL.txt`).
pub static FONT_DATA: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../assets/fonts/NotoSerifSC-GB2312.otf"
));

/// The PostScript name the PDF gives the font (after the subset tag).
pub const POSTSCRIPT_NAME: &str = "NotoSerifCJKsc-Regular";

static FACE: LazyLock<Face<'static>> = LazyLock::new(|| {
    Face::parse(FONT_DATA, 0).expect("the embedded font is a valid OpenType font")
});

pub fn face() -> &'static Face<'static> {
    &FACE
}

/// The glyph of a character; `None` when the font has none.
pub fn glyph(c: char) -> Option<GlyphId> {
    let c = match c {
        '\t' => ' ',
        c => c,
    };
    face().glyph_index(c)
}

/// Whether the font draws a character (controls and line breaks need not be
/// drawn).
pub fn has_glyph(c: char) -> bool {
    c == '\n' || glyph(c).is_some()
}

pub fn units_per_em() -> i64 {
    i64::from(face().units_per_em())
}

/// The advance of a glyph in font units.
pub fn advance(g: GlyphId) -> i64 {
    face()
        .glyph_hor_advance(g)
        .map_or_else(units_per_em, i64::from)
}

/// The advance of a character in font units (missing characters take the
/// width of the box that stands for them).
pub fn char_advance(c: char) -> i64 {
    advance(glyph(c).unwrap_or(GlyphId(0)))
}
