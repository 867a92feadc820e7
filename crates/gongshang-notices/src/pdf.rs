//! A4 PDF of a notice: a small layout of the document's blocks (line breaking
//! of Chinese text, tables that break across pages with their header repeated,
//! page numbers), then pdf-writer with the CJK font subset by `subsetter` to
//! the glyphs used and embedded as a CID-keyed CFF font with a ToUnicode map,
//! so the text can be searched and copied.
//!
//! All layout is in integer hundredths of a point ("cp"): the page's content
//! stream scales by 0.01 once, so no floating-point arithmetic is needed
//! (the workspace denies it).

use std::collections::{BTreeMap, BTreeSet};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;
use ttf_parser::GlyphId;

use crate::doc::{Align, Block, Document, Table};
use crate::font;

/// A4 in hundredths of a point (210 × 297 mm).
const PAGE_W: i64 = 59_528;
const PAGE_H: i64 = 84_189;
/// The same in points, for the media box.
const PAGE_W_PT: f32 = 595.28;
const PAGE_H_PT: f32 = 841.89;
const MARGIN_X: i64 = 6_236; // 22 mm
const MARGIN_TOP: i64 = 5_669; // 20 mm
const MARGIN_BOTTOM: i64 = 6_236; // 22 mm, the page number inside it
const CONTENT_W: i64 = PAGE_W - 2 * MARGIN_X;

const BODY: i64 = 1_200; // 12 pt
const SMALL: i64 = 1_000;
const TABLE: i64 = 1_050;
const HEADING: i64 = 1_300;
const TITLE: i64 = 2_000;
const CELL_PAD_X: i64 = 400;
const CELL_PAD_Y: i64 = 250;
const RULE: i64 = 60; // 0.6 pt

/// Line height for a font size: 1.6 for body text, 1.4 in tables.
fn leading(size: i64) -> i64 {
    size * 8 / 5
}
fn table_leading(size: i64) -> i64 {
    size * 7 / 5
}

/// The width of a text at a size, in cp.
fn width(text: &str, size: i64) -> i64 {
    let units: i64 = text.chars().map(font::char_advance).sum();
    units * size / font::units_per_em()
}

#[derive(Clone, Debug)]
enum Op {
    /// `y` is the baseline, from the top of the page.
    Text {
        x: i64,
        y: i64,
        size: i64,
        bold: bool,
        text: String,
    },
    Line {
        x1: i64,
        y1: i64,
        x2: i64,
        y2: i64,
    },
    /// A light grey box (table headers).
    Shade {
        x: i64,
        y: i64,
        w: i64,
        h: i64,
    },
}

// ---- line breaking -------------------------------------------------------------

/// Punctuation that may not begin a line (it stays with what precedes it).
fn closing(c: char) -> bool {
    "，。、；：？！）》」』”’】〕〉…—％,.;:?!)]}%".contains(c)
}

/// Punctuation that may not end a line (it goes with what follows).
fn opening(c: char) -> bool {
    "（《「『“‘【〔〈([{".contains(c)
}

/// Characters that hold together as one word (Latin, digits, amounts, ids).
fn wordy(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._-/@:+#&'".contains(c)
}

/// Splits a paragraph (no `\n`) into the pieces a line may break between.
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut glue_next = false;
    for c in text.chars() {
        let join = match out.last() {
            None => false,
            Some(last) => {
                let prev = last.chars().last().unwrap_or(' ');
                glue_next || closing(c) || (wordy(c) && wordy(prev)) || (c == ' ' && prev == ' ')
            }
        };
        if join {
            if let Some(last) = out.last_mut() {
                last.push(c);
            }
        } else {
            out.push(c.to_string());
        }
        glue_next = opening(c);
    }
    out
}

/// Breaks text into lines no wider than `first` (the first line) and `rest`.
fn wrap(text: &str, size: i64, first: i64, rest: i64) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0;
        for token in tokens(para) {
            let max = if lines.is_empty() { first } else { rest };
            let w = width(&token, size);
            if line_w + w <= max || line.is_empty() && w <= max {
                line.push_str(&token);
                line_w += w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line).trim_end().to_owned());
                line_w = 0;
            }
            let token = token.trim_start();
            // A piece wider than a line is cut by characters.
            for c in token.chars() {
                let max = if lines.is_empty() { first } else { rest };
                let cw = width(c.encode_utf8(&mut [0; 4]), size);
                if line_w + cw > max && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0;
                }
                line.push(c);
                line_w += cw;
            }
        }
        lines.push(line.trim_end().to_owned());
    }
    lines
}

// ---- layout --------------------------------------------------------------------

struct Layout {
    pages: Vec<Vec<Op>>,
    /// The top of the free space on the current page, from the page's top.
    y: i64,
}

impl Layout {
    fn new() -> Layout {
        Layout {
            pages: vec![Vec::new()],
            y: MARGIN_TOP,
        }
    }

    fn bottom() -> i64 {
        PAGE_H - MARGIN_BOTTOM
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN_TOP;
    }

    /// Makes room for `h`, starting a page when it does not fit (unless the
    /// page is still empty).
    fn room(&mut self, h: i64) {
        if self.y + h > Layout::bottom() && self.y > MARGIN_TOP {
            self.new_page();
        }
    }

    fn op(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn text(&mut self, x: i64, baseline: i64, size: i64, bold: bool, text: &str) {
        if text.is_empty() {
            return;
        }
        self.op(Op::Text {
            x,
            y: baseline,
            size,
            bold,
            text: text.to_owned(),
        });
    }

    /// Lines of text at `x`, each placed on its own line; the first line
    /// starts `indent` further right.
    fn lines(
        &mut self,
        lines: &[String],
        x: i64,
        indent: i64,
        size: i64,
        bold: bool,
        align: Align,
    ) {
        let lead = leading(size);
        for (i, line) in lines.iter().enumerate() {
            self.room(lead);
            let baseline = self.y + lead - (lead - size) / 2 - size / 8;
            let (x, avail) = if i == 0 {
                (x + indent, CONTENT_W - indent - (x - MARGIN_X))
            } else {
                (x, CONTENT_W - (x - MARGIN_X))
            };
            let left = match align {
                Align::Left => x,
                Align::Center => x + (avail - width(line, size)) / 2,
                Align::Right => x + avail - width(line, size),
            };
            self.text(left, baseline, size, bold, line);
            self.y += lead;
        }
    }

    fn para(&mut self, text: &str, size: i64, indent: i64, bold: bool, align: Align) {
        let lines = wrap(text, size, CONTENT_W - indent, CONTENT_W);
        self.lines(&lines, MARGIN_X, indent, size, bold, align);
    }

    fn gap(&mut self, h: i64) {
        self.y += h;
    }

    /// A table whose rows never split; the header repeats on each page.
    /// FIXME: a single row taller than a page (a cell of some fifty lines)
    /// runs past the bottom margin; no notice's content comes near it.
    fn table(
        &mut self,
        widths: &[i64],
        aligns: &[Align],
        head: Option<&[String]>,
        rows: &[(Vec<String>, bool)],
        size: i64,
    ) {
        let lead = table_leading(size);
        let xs: Vec<i64> = std::iter::once(MARGIN_X)
            .chain(widths.iter().scan(MARGIN_X, |x, w| {
                *x += w;
                Some(*x)
            }))
            .collect();
        let cell_lines = |cells: &[String]| -> Vec<Vec<String>> {
            cells
                .iter()
                .zip(widths)
                .map(|(cell, w)| {
                    let inner = w - 2 * CELL_PAD_X;
                    wrap(cell, size, inner, inner)
                })
                .collect()
        };
        let height = |lines: &[Vec<String>]| -> i64 {
            let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
            i64::try_from(n).unwrap_or(1) * lead + 2 * CELL_PAD_Y
        };
        let head_lines = head.map(&cell_lines);
        let head_h = head_lines.as_deref().map_or(0, height);

        let draw_row = |l: &mut Layout, lines: &[Vec<String>], h: i64, bold: bool, shade: bool| {
            let top = l.y;
            if shade {
                l.op(Op::Shade {
                    x: MARGIN_X,
                    y: top,
                    w: xs[xs.len() - 1] - MARGIN_X,
                    h,
                });
            }
            for (i, cell) in lines.iter().enumerate() {
                let align = if shade { Align::Center } else { aligns[i] };
                let inner = widths[i] - 2 * CELL_PAD_X;
                for (j, line) in cell.iter().enumerate() {
                    let j = i64::try_from(j).unwrap_or(0);
                    let baseline =
                        top + CELL_PAD_Y + j * lead + lead - (lead - size) / 2 - size / 8;
                    let w = width(line, size);
                    let x = match align {
                        Align::Left => xs[i] + CELL_PAD_X,
                        Align::Center => xs[i] + CELL_PAD_X + (inner - w) / 2,
                        Align::Right => xs[i] + CELL_PAD_X + inner - w,
                    };
                    l.text(x, baseline, size, bold, line);
                }
            }
            // Borders: top, bottom, and every vertical.
            let right = xs[xs.len() - 1];
            l.op(Op::Line {
                x1: MARGIN_X,
                y1: top,
                x2: right,
                y2: top,
            });
            l.op(Op::Line {
                x1: MARGIN_X,
                y1: top + h,
                x2: right,
                y2: top + h,
            });
            for x in &xs {
                l.op(Op::Line {
                    x1: *x,
                    y1: top,
                    x2: *x,
                    y2: top + h,
                });
            }
            l.y += h;
        };

        let mut need_head = true;
        for (cells, bold) in rows {
            let lines = cell_lines(cells);
            let h = height(&lines);
            let with_head = if need_head { head_h } else { 0 };
            if self.y + with_head + h > Layout::bottom() && self.y > MARGIN_TOP {
                self.new_page();
                need_head = true;
            }
            if need_head {
                if let Some(hl) = &head_lines {
                    draw_row(self, hl, head_h, true, true);
                }
                need_head = false;
            }
            draw_row(self, &lines, h, *bold, false);
        }
        if rows.is_empty()
            && let Some(hl) = &head_lines
        {
            self.room(head_h);
            draw_row(self, hl, head_h, true, true);
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Addressee(text) => {
                self.para(text, BODY, 0, false, Align::Left);
                self.gap(200);
            }
            Block::Para(text) => {
                self.para(text, BODY, 2 * BODY, false, Align::Left);
                self.gap(100);
            }
            Block::Heading(text) => {
                self.gap(400);
                // Keep a heading with at least two lines of what follows.
                self.room(leading(HEADING) + 3 * leading(TABLE));
                self.para(text, HEADING, 0, true, Align::Left);
                self.gap(100);
            }
            Block::Fields(fields) => {
                let label_w = CONTENT_W * 28 / 100;
                let rows: Vec<(Vec<String>, bool)> = fields
                    .iter()
                    .map(|(k, v)| (vec![k.clone(), v.clone()], false))
                    .collect();
                self.table(
                    &[label_w, CONTENT_W - label_w],
                    &[Align::Left, Align::Left],
                    None,
                    &rows,
                    TABLE,
                );
                self.gap(300);
            }
            Block::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    let label = format!("{}．", i + 1);
                    let hang = 2 * BODY + width(&label, BODY);
                    let lines = wrap(item, BODY, CONTENT_W - hang, CONTENT_W - hang);
                    self.room(leading(BODY));
                    let baseline = self.y + leading(BODY) - (leading(BODY) - BODY) / 2 - BODY / 8;
                    self.text(MARGIN_X + 2 * BODY, baseline, BODY, false, &label);
                    self.lines(&lines, MARGIN_X + hang, 0, BODY, false, Align::Left);
                }
                self.gap(100);
            }
            Block::Table(table) => {
                self.table_block(table);
                self.gap(300);
            }
            Block::Signature { authority, date } => {
                self.gap(800);
                let lead = leading(BODY);
                self.room(3 * lead);
                let lines = [authority.clone(), date.clone(), "（印章）".to_owned()];
                // Right-aligned with two characters of space, centred on each other.
                let w = lines.iter().map(|l| width(l, BODY)).max().unwrap_or(0);
                let right = MARGIN_X + CONTENT_W - 2 * BODY;
                for line in &lines {
                    let x = right - w + (w - width(line, BODY)) / 2;
                    let baseline = self.y + lead - (lead - BODY) / 2 - BODY / 8;
                    self.text(x, baseline, BODY, false, line);
                    self.y += lead;
                }
                self.gap(400);
            }
            Block::Note(text) => {
                self.gap(200);
                // Small print stays in one piece.
                let lines = wrap(text, SMALL, CONTENT_W, CONTENT_W);
                self.room(i64::try_from(lines.len()).unwrap_or(1) * leading(SMALL));
                self.lines(&lines, MARGIN_X, 0, SMALL, false, Align::Left);
            }
        }
    }

    fn table_block(&mut self, table: &Table) {
        let total: u32 = table.columns.iter().map(|c| c.share).sum::<u32>().max(1);
        let mut widths: Vec<i64> = table
            .columns
            .iter()
            .map(|c| CONTENT_W * i64::from(c.share) / i64::from(total))
            .collect();
        // The last column takes what rounding left.
        let used: i64 = widths.iter().sum();
        if let Some(last) = widths.last_mut() {
            *last += CONTENT_W - used;
        }
        let aligns: Vec<Align> = table.columns.iter().map(|c| c.align).collect();
        let head: Vec<String> = table.columns.iter().map(|c| c.title.clone()).collect();
        let rows: Vec<(Vec<String>, bool)> = table
            .rows
            .iter()
            .map(|r| (r.clone(), false))
            .chain(table.foot.iter().map(|r| (r.clone(), true)))
            .collect();
        self.table(&widths, &aligns, Some(&head), &rows, TABLE);
    }
}

fn layout(doc: &Document) -> Vec<Vec<Op>> {
    let mut l = Layout::new();
    l.para(&doc.title, TITLE, 0, true, Align::Center);
    l.gap(200);
    l.para(&doc.number, BODY, 0, false, Align::Center);
    l.gap(600);
    for block in &doc.blocks {
        l.block(block);
    }
    let count = l.pages.len();
    for (i, page) in l.pages.iter_mut().enumerate() {
        let text = format!("第 {} 页 共 {count} 页", i + 1);
        let x = MARGIN_X + (CONTENT_W - width(&text, SMALL)) / 2;
        page.push(Op::Text {
            x,
            y: PAGE_H - MARGIN_BOTTOM / 2,
            size: SMALL,
            bold: false,
            text,
        });
    }
    l.pages
}

// ---- writing -------------------------------------------------------------------

/// A cp value as the f32 the content stream takes (a conversion, not
/// arithmetic).
fn f(v: i64) -> f32 {
    v as f32
}

/// Six capital letters naming the subset (PDF 32000-1 §9.6.4), from the
/// glyphs it holds, so the same notice always gives the same bytes.
fn subset_tag(glyphs: &BTreeSet<u16>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for g in glyphs {
        for b in g.to_be_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| {
            let letter = (h >> (i * 5)) % 26;
            char::from(b'A' + u8::try_from(letter).unwrap_or(0))
        })
        .collect()
}

/// Why a PDF could not be written (a defect of the embedded font or of this
/// crate, never of the notice).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdfError(pub String);

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write the pdf: {}", self.0)
    }
}

impl std::error::Error for PdfError {}

pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let pages = layout(doc);

    // The glyphs used, and the characters each stands for.
    let mut glyph_of: BTreeMap<char, u16> = BTreeMap::new();
    for op in pages.iter().flatten() {
        if let Op::Text { text, .. } = op {
            for c in text.chars() {
                glyph_of
                    .entry(c)
                    .or_insert_with(|| font::glyph(c).map_or(0, |g| g.0));
            }
        }
    }
    let used: BTreeSet<u16> = glyph_of.values().copied().collect();
    let mut remapper = GlyphRemapper::new();
    for g in &used {
        remapper.remap(*g);
    }
    let subset = subsetter::subset(font::FONT_DATA, 0, &remapper)
        .map_err(|e| PdfError(format!("subsetting the font failed: {e}")))?;
    let cff = ttf_parser::RawFace::parse(&subset, 0)
        .ok()
        .and_then(|raw| raw.table(ttf_parser::Tag::from_bytes(b"CFF ")))
        .ok_or_else(|| PdfError("the font subset has no CFF table".into()))?
        .to_vec();
    let new_gid = |c: char| -> u16 {
        let old = glyph_of.get(&c).copied().unwrap_or(0);
        remapper.get(old).unwrap_or(0)
    };

    let mut alloc = Ref::new(1);
    let catalog_id = alloc.bump();
    let pages_id = alloc.bump();
    let info_id = alloc.bump();
    let type0_id = alloc.bump();
    let cid_id = alloc.bump();
    let descriptor_id = alloc.bump();
    let file_id = alloc.bump();
    let cmap_id = alloc.bump();
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (alloc.bump(), alloc.bump())).collect();

    let mut pdf = Pdf::new();
    pdf.set_version(1, 7);
    pdf.catalog(catalog_id).pages(pages_id);
    pdf.pages(pages_id)
        .kids(page_ids.iter().map(|(p, _)| *p))
        .count(i32::try_from(page_ids.len()).unwrap_or(i32::MAX));
    {
        let mut info = pdf.document_info(info_id);
        let title = format!("{} {}", doc.title, doc.number);
        info.title(TextStr(&title));
        info.creator(TextStr("gongshang"));
        info.producer(TextStr("gongshang-notices (pdf-writer)"));
    }

    // The font: Type0 → CIDFontType0 (CFF) with Identity-H, CIDs = new glyph ids.
    let base_font = format!("{}+{}", subset_tag(&used), font::POSTSCRIPT_NAME);
    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(type0_id)
        .base_font(Name(base_font.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);
    let upem = font::units_per_em();
    let to_1000 = |units: i64| f(units * 1000 / upem);
    {
        let mut widths_by_new: BTreeMap<u16, i64> = BTreeMap::new();
        for g in &used {
            if let Some(n) = remapper.get(*g) {
                widths_by_new.insert(n, font::advance(GlyphId(*g)));
            }
        }
        let mut cid = pdf.cid_font(cid_id);
        cid.subtype(CidFontType::Type0)
            .base_font(Name(base_font.as_bytes()))
            .system_info(system_info)
            .font_descriptor(descriptor_id)
            .default_width(1000.0);
        let mut w = cid.widths();
        for (n, adv) in &widths_by_new {
            w.consecutive(*n, [to_1000(*adv)]);
        }
    }
    let face = font::face();
    let bbox = face.global_bounding_box();
    pdf.font_descriptor(descriptor_id)
        .name(Name(base_font.as_bytes()))
        .flags(FontFlags::SYMBOLIC | FontFlags::SERIF)
        .bbox(Rect::new(
            to_1000(i64::from(bbox.x_min)),
            to_1000(i64::from(bbox.y_min)),
            to_1000(i64::from(bbox.x_max)),
            to_1000(i64::from(bbox.y_max)),
        ))
        .italic_angle(0.0)
        .ascent(to_1000(i64::from(face.ascender())))
        .descent(to_1000(i64::from(face.descender())))
        .cap_height(to_1000(i64::from(
            face.capital_height().unwrap_or(face.ascender()),
        )))
        .stem_v(80.0)
        .font_file3(file_id);
    pdf.stream(file_id, &cff)
        .pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
    let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
    let mut mapped = BTreeSet::new();
    for c in glyph_of.keys() {
        let n = new_gid(*c);
        // .notdef maps to nothing; a glyph shared by two characters maps to the first.
        if n != 0 && mapped.insert(n) {
            cmap.pair(n, *c);
        }
    }
    pdf.cmap(cmap_id, &cmap.finish());

    for (ops, (page_id, content_id)) in pages.iter().zip(&page_ids) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W_PT, PAGE_H_PT))
            .parent(pages_id)
            .contents(*content_id);
        page.resources().fonts().pair(Name(b"F1"), type0_id);
        page.finish();

        let mut content = Content::new();
        content.transform([0.01, 0.0, 0.0, 0.01, 0.0, 0.0]);
        for op in ops {
            match op {
                Op::Shade { x, y, w, h } => {
                    content.save_state();
                    content.set_fill_gray(0.93);
                    content.rect(f(*x), f(PAGE_H - y - h), f(*w), f(*h));
                    content.fill_nonzero();
                    content.restore_state();
                }
                Op::Line { x1, y1, x2, y2 } => {
                    content.set_line_width(f(RULE));
                    content.move_to(f(*x1), f(PAGE_H - y1));
                    content.line_to(f(*x2), f(PAGE_H - y2));
                    content.stroke();
                }
                Op::Text {
                    x,
                    y,
                    size,
                    bold,
                    text,
                } => {
                    let mut bytes = Vec::with_capacity(text.len() * 2);
                    for c in text.chars() {
                        bytes.extend_from_slice(&new_gid(c).to_be_bytes());
                    }
                    content.begin_text();
                    content.set_font(Name(b"F1"), f(*size));
                    if *bold {
                        // No bold face is shipped: stroke the outline as well.
                        content.set_text_rendering_mode(TextRenderingMode::FillStroke);
                        content.set_line_width(f(size / 30));
                    }
                    content.next_line(f(*x), f(PAGE_H - y));
                    content.show(Str(&bytes));
                    content.end_text();
                    if *bold {
                        content.set_text_rendering_mode(TextRenderingMode::Fill);
                    }
                }
            }
        }
        pdf.stream(*content_id, &content.finish());
    }
    Ok(pdf.finish())
}
