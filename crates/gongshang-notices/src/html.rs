//! One self-contained, printable HTML page per notice: inline CSS with A4
//! print styles, every piece of text escaped, no script, nothing fetched.

use std::fmt::Write;

use crate::doc::{Align, Block, Document, Table};

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text whose `\n` become line breaks.
fn lines(text: &str) -> String {
    text.split('\n')
        .map(escape)
        .collect::<Vec<_>>()
        .join("<br>")
}

const STYLE: &str = r#"
@page { size: A4; margin: 20mm 22mm 22mm 22mm; }
* { box-sizing: border-box; }
html { background: #e8e8e8; }
body { margin: 0; color: #000; font-family: "Noto Serif CJK SC", "Noto Serif SC", "Source Han Serif SC", "Songti SC", "SimSun", serif; font-size: 12pt; line-height: 1.6; }
.page { width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 25mm 22mm 22mm 22mm; background: #fff; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
h1 { font-size: 20pt; text-align: center; letter-spacing: .15em; margin: 0 0 2mm 0; font-weight: bold; }
.number { text-align: center; margin: 0 0 6mm 0; }
.addressee { margin: 0; }
p.para { text-indent: 2em; margin: 0 0 1mm 0; text-align: justify; }
h2 { font-size: 13pt; margin: 5mm 0 2mm 0; font-weight: bold; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0 4mm 0; font-size: 10.5pt; line-height: 1.4; }
th, td { border: 0.6pt solid #000; padding: 1.2mm 2mm; vertical-align: top; }
th { font-weight: bold; background: #f2f2f2; }
table.fields th { width: 28%; text-align: left; }
tfoot td { font-weight: bold; }
tr { page-break-inside: avoid; break-inside: avoid; }
td.c { text-align: center; } td.r { text-align: right; white-space: nowrap; }
ol { margin: 1mm 0 3mm 0; padding-left: 3em; }
.signature { margin: 12mm 0 6mm 0; text-align: right; line-height: 2; }
.signature .seal { color: #555; }
.note { font-size: 10pt; margin: 4mm 0 0 0; }
@media print {
  html { background: none; }
  .page { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
  th { background: none; }
}
"#;

pub fn render(doc: &Document) -> String {
    let mut out = String::with_capacity(8192);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<title>{} {}</title>",
        escape(&doc.title),
        escape(&doc.number)
    );
    let _ = writeln!(
        out,
        "<style>{STYLE}</style>\n</head>\n<body>\n<main class=\"page\">"
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(&doc.title));
    let _ = writeln!(out, "<p class=\"number\">{}</p>", escape(&doc.number));
    for block in &doc.blocks {
        block_html(&mut out, block);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn block_html(out: &mut String, block: &Block) {
    match block {
        Block::Addressee(text) => {
            let _ = writeln!(out, "<p class=\"addressee\">{}</p>", lines(text));
        }
        Block::Para(text) => {
            let _ = writeln!(out, "<p class=\"para\">{}</p>", lines(text));
        }
        Block::Heading(text) => {
            let _ = writeln!(out, "<h2>{}</h2>", escape(text));
        }
        Block::Fields(fields) => {
            out.push_str("<table class=\"fields\">\n<tbody>\n");
            for (label, value) in fields {
                let _ = writeln!(
                    out,
                    "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                    escape(label),
                    lines(value)
                );
            }
            out.push_str("</tbody>\n</table>\n");
        }
        Block::List(items) => {
            out.push_str("<ol>\n");
            for item in items {
                let _ = writeln!(out, "<li>{}</li>", lines(item));
            }
            out.push_str("</ol>\n");
        }
        Block::Table(table) => table_html(out, table),
        Block::Signature { authority, date } => {
            let _ = writeln!(
                out,
                "<div class=\"signature\"><div>{}</div><div>{}</div><div class=\"seal\">（印章）</div></div>",
                escape(authority),
                escape(date)
            );
        }
        Block::Note(text) => {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", lines(text));
        }
    }
}

fn table_html(out: &mut String, table: &Table) {
    let total: u32 = table.columns.iter().map(|c| c.share).sum::<u32>().max(1);
    out.push_str("<table class=\"grid\">\n<colgroup>");
    for c in &table.columns {
        let _ = write!(out, "<col style=\"width:{}%\">", c.share * 100 / total);
    }
    out.push_str("</colgroup>\n<thead><tr>");
    for c in &table.columns {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(&c.title));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let row = |out: &mut String, cells: &[String]| {
        out.push_str("<tr>");
        for (cell, c) in cells.iter().zip(&table.columns) {
            let class = match c.align {
                Align::Left => "",
                Align::Center => " class=\"c\"",
                Align::Right => " class=\"r\"",
            };
            let _ = write!(out, "<td{class}>{}</td>", lines(cell));
        }
        out.push_str("</tr>\n");
    };
    for cells in &table.rows {
        row(out, cells);
    }
    out.push_str("</tbody>\n");
    if !table.foot.is_empty() {
        out.push_str("<tfoot>\n");
        for cells in &table.foot {
            row(out, cells);
        }
        out.push_str("</tfoot>\n");
    }
    out.push_str("</table>\n");
}
