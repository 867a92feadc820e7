//! Tables as CSV and as Excel workbooks (issue 14). An xlsx file is a zip
//! of a few XML parts; this writes the smallest workbook Excel, LibreOffice
//! and WPS open (one sheet, inline strings, numbers as numbers) in stored
//! (uncompressed) zip entries with their CRC-32, so that no zip or
//! spreadsheet crate is needed and the same table always gives the same
//! bytes (the entries' times are fixed at 1980-01-01).

use gongshang_rules::Money;

/// A cell of an exported table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// Written as yuan with two decimals, a number in the workbook.
    Money(Money),
    Int(i64),
}

impl Cell {
    fn plain(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Money(m) => m.to_string(),
            Cell::Int(n) => n.to_string(),
        }
    }
}

/// A table with a header row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The sheet's name (at most 31 characters in Excel).
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// RFC 4180 CSV in UTF-8 with a byte-order mark (so that Excel reads the
/// Chinese headers), lines ended by CRLF.
pub fn csv(table: &Table) -> String {
    let mut out = String::from("\u{feff}");
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .map(|c| csv_field(c))
            .collect::<Vec<_>>()
            .join(",")
    };
    out.push_str(&line(table.headers.clone()));
    out.push_str("\r\n");
    for r in &table.rows {
        out.push_str(&line(r.iter().map(Cell::plain).collect()));
        out.push_str("\r\n");
    }
    out
}

fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            // Characters XML 1.0 does not allow.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => o.push(c),
        }
    }
    o
}

/// The column letters of a 0-based index (`A`, ..., `Z`, `AA`, ...).
fn column(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + u8::try_from(i % 26).unwrap_or(0));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn sheet_xml(table: &Table) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    let header: Vec<Cell> = table.headers.iter().cloned().map(Cell::Text).collect();
    for (r, row) in std::iter::once(&header)
        .chain(table.rows.iter())
        .enumerate()
    {
        x.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", column(c), r + 1);
            match cell {
                Cell::Text(s) => x.push_str(&format!(
                    "<c r=\"{at}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                    xml_escape(s)
                )),
                Cell::Money(m) => x.push_str(&format!("<c r=\"{at}\"><v>{m}</v></c>")),
                Cell::Int(n) => x.push_str(&format!("<c r=\"{at}\"><v>{n}</v></c>")),
            }
        }
        x.push_str("</row>");
    }
    x.push_str("</sheetData></worksheet>");
    x
}

/// The workbook of one sheet holding `table`.
pub fn xlsx(table: &Table) -> Vec<u8> {
    let name: String = table
        .name
        .chars()
        .filter(|c| !matches!(c, '\\' | '/' | '?' | '*' | '[' | ']' | ':'))
        .take(31)
        .collect();
    let name = if name.is_empty() {
        "Sheet1".to_owned()
    } else {
        name
    };
    let parts: Vec<(&str, String)> = vec![
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
             <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
             </Types>"
                .to_owned(),
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
             </Relationships>"
                .to_owned(),
        ),
        (
            "xl/workbook.xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
                 <workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
                 xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
                 <sheets><sheet name=\"{}\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
                xml_escape(&name)
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
             </Relationships>"
                .to_owned(),
        ),
        ("xl/worksheets/sheet1.xml", sheet_xml(table)),
    ];
    let files: Vec<(&str, &[u8])> = parts.iter().map(|(n, d)| (*n, d.as_bytes())).collect();
    zip_stored(&files)
}

/// CRC-32 (IEEE 802.3, reflected, as zip uses it).
pub fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (n, slot) in table.iter_mut().enumerate() {
        let mut c = u32::try_from(n).unwrap_or(0);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc = table[usize::from((crc as u8) ^ b)] ^ (crc >> 8);
    }
    crc ^ 0xFFFF_FFFF
}

/// A zip archive of stored (uncompressed) entries, in the order given.
pub fn zip_stored(files: &[(&str, &[u8])]) -> Vec<u8> {
    let u16le = |v: usize| u16::try_from(v).unwrap_or(u16::MAX).to_le_bytes();
    let u32le = |v: usize| u32::try_from(v).unwrap_or(u32::MAX).to_le_bytes();
    // 1980-01-01 00:00: DOS date (1980 << 9 | 1 << 5 | 1) - 1980 = 0x21.
    const DOS_TIME: [u8; 2] = [0, 0];
    const DOS_DATE: [u8; 2] = [0x21, 0];
    // Version 2.0; bit 11: names are UTF-8.
    const VERSION: [u8; 2] = [20, 0];
    const FLAGS: [u8; 2] = [0, 0x08];
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = out.len();
        let crc = crc32(data).to_le_bytes();
        let header_common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&VERSION);
            v.extend_from_slice(&FLAGS);
            v.extend_from_slice(&[0, 0]); // stored
            v.extend_from_slice(&DOS_TIME);
            v.extend_from_slice(&DOS_DATE);
            v.extend_from_slice(&crc);
            v.extend_from_slice(&u32le(data.len()));
            v.extend_from_slice(&u32le(data.len()));
            v.extend_from_slice(&u16le(name.len()));
            v.extend_from_slice(&[0, 0]); // extra length
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        header_common(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&VERSION); // made by
        header_common(&mut central);
        central.extend_from_slice(&[0, 0]); // comment length
        central.extend_from_slice(&[0, 0]); // disk
        central.extend_from_slice(&[0, 0]); // internal attributes
        central.extend_from_slice(&[0, 0, 0, 0]); // external attributes
        central.extend_from_slice(&u32le(offset));
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = out.len();
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]); // disks
    out.extend_from_slice(&u16le(files.len()));
    out.extend_from_slice(&u16le(files.len()));
    out.extend_from_slice(&u32le(central.len()));
    out.extend_from_slice(&u32le(central_offset));
    out.extend_from_slice(&[0, 0]); // comment length
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_of_the_check_string() {
        // The standard check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn columns_past_z() {
        assert_eq!(column(0), "A");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
        assert_eq!(column(27), "AB");
    }
}
