//! A small reader of the PDFs this crate writes, enough to check them without
//! outside tools: the cross-reference table points at the objects, the font
//! is embedded, and the text comes back out through the ToUnicode map.

use std::collections::BTreeMap;

pub struct Parsed {
    /// Object number → the bytes from `N 0 obj` to `endobj`.
    pub objects: BTreeMap<u32, Vec<u8>>,
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Checks the header, the trailer and every cross-reference entry; returns
/// the objects.
pub fn parse(pdf: &[u8]) -> Parsed {
    assert!(pdf.starts_with(b"%PDF-1."), "no PDF header");
    let tail = String::from_utf8_lossy(&pdf[pdf.len().saturating_sub(64)..]).into_owned();
    assert!(tail.trim_end().ends_with("%%EOF"), "no %%EOF: {tail:?}");
    let sx = rfind(pdf, b"startxref").expect("startxref");
    let offset: usize = String::from_utf8_lossy(&pdf[sx + 9..])
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        pdf[offset..].starts_with(b"xref"),
        "startxref does not point at the xref table"
    );
    let table = String::from_utf8_lossy(&pdf[offset..sx]).into_owned();
    let mut lines = table.lines().skip(1);
    let header: Vec<u32> = lines
        .next()
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let (first, count) = (header[0], header[1]);
    let mut objects = BTreeMap::new();
    for (i, line) in lines.take(count as usize).enumerate() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let number = first + i as u32;
        if parts[2] == "f" {
            continue;
        }
        let at: usize = parts[0].parse().unwrap();
        let head = format!("{number} 0 obj");
        assert!(
            pdf[at..].starts_with(head.as_bytes()),
            "xref entry of object {number} points elsewhere"
        );
        let end = find(pdf, b"endobj", at).expect("endobj");
        objects.insert(number, pdf[at..end].to_vec());
    }
    assert!(
        find(pdf, b"trailer", offset).is_some(),
        "no trailer after the xref table"
    );
    Parsed { objects }
}

impl Parsed {
    pub fn with(&self, needle: &str) -> Vec<&Vec<u8>> {
        self.objects
            .values()
            .filter(|o| find(o, needle.as_bytes(), 0).is_some())
            .collect()
    }

    /// The raw data of a stream object.
    pub fn stream(object: &[u8]) -> &[u8] {
        let start = find(object, b"stream", 0).expect("a stream") + "stream".len();
        let start = if object[start] == b'\r' {
            start + 2
        } else {
            start + 1
        };
        let end = rfind(object, b"endstream").expect("endstream");
        let mut end = end;
        while end > start && matches!(object[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        &object[start..end]
    }

    /// The ToUnicode map: glyph id → text.
    pub fn to_unicode(&self) -> BTreeMap<u16, String> {
        let cmap = self
            .with("begincmap")
            .into_iter()
            .next()
            .expect("a ToUnicode CMap");
        let text = String::from_utf8_lossy(Parsed::stream(cmap)).into_owned();
        let mut map = BTreeMap::new();
        let mut in_chars = false;
        for line in text.lines() {
            if line.ends_with("beginbfchar") {
                in_chars = true;
                continue;
            }
            if line.starts_with("endbfchar") {
                in_chars = false;
                continue;
            }
            if in_chars {
                let hex: Vec<&str> = line
                    .split(['<', '>', ' '])
                    .filter(|s| !s.is_empty())
                    .collect();
                let gid = u16::from_str_radix(hex[0], 16).unwrap();
                let units: Vec<u16> = (0..hex[1].len() / 4)
                    .map(|i| u16::from_str_radix(&hex[1][i * 4..i * 4 + 4], 16).unwrap())
                    .collect();
                map.insert(gid, String::from_utf16(&units).unwrap());
            }
        }
        map
    }

    /// The text of every page, by the ToUnicode map, one shown string a line.
    pub fn text(&self) -> String {
        let map = self.to_unicode();
        let mut out = String::new();
        for object in self.objects.values() {
            // Content streams: a dictionary with nothing but the length (the
            // font file and the CMap have more keys).
            let Some(at) = find(object, b"stream", 0) else {
                continue;
            };
            let dict = String::from_utf8_lossy(&object[..at]).into_owned();
            if dict.matches('/').count() != 1 || !dict.contains("/Length") {
                continue;
            }
            let data = Parsed::stream(object);
            for bytes in shown_strings(data) {
                for pair in bytes.chunks(2) {
                    let gid = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
                    out.push_str(map.get(&gid).map_or("\u{fffd}", String::as_str));
                }
                out.push('\n');
            }
        }
        out
    }
}

/// The operands of `Tj` in a content stream: literal `(...)` (with escapes and
/// balanced parentheses) and hex `<...>` strings.
fn shown_strings(data: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'(' => {
                let mut bytes = Vec::new();
                let mut depth = 1;
                i += 1;
                while i < data.len() {
                    let b = data[i];
                    match b {
                        b'\\' => {
                            i += 1;
                            let e = data[i];
                            match e {
                                b'n' => bytes.push(b'\n'),
                                b'r' => bytes.push(b'\r'),
                                b't' => bytes.push(b'\t'),
                                b'b' => bytes.push(0x08),
                                b'f' => bytes.push(0x0c),
                                b'0'..=b'7' => {
                                    let mut v: u32 = 0;
                                    let mut n = 0;
                                    while n < 3
                                        && i < data.len()
                                        && (b'0'..=b'7').contains(&data[i])
                                    {
                                        v = v * 8 + u32::from(data[i] - b'0');
                                        i += 1;
                                        n += 1;
                                    }
                                    i -= 1;
                                    bytes.push(v as u8);
                                }
                                other => bytes.push(other),
                            }
                        }
                        b'(' => {
                            depth += 1;
                            bytes.push(b);
                        }
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            bytes.push(b);
                        }
                        _ => bytes.push(b),
                    }
                    i += 1;
                }
                out.push(bytes);
            }
            b'<' if data.get(i + 1) != Some(&b'<') => {
                let end = find(data, b">", i).unwrap();
                let hex: Vec<u8> = data[i + 1..end]
                    .iter()
                    .copied()
                    .filter(u8::is_ascii_hexdigit)
                    .collect();
                let bytes = hex
                    .chunks(2)
                    .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
                    .collect();
                out.push(bytes);
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    out
}
