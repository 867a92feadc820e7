//! gongshang-csv: the one way gongshang reads a CSV file, for every import
//! (the command line's `gongshang import ...` and the API's `text/csv`).
//!
//! The dialect: UTF-8 (a byte-order mark at the start is dropped), a header
//! row naming the columns, one record a line (LF or CRLF; an empty line is
//! skipped), fields separated by commas and quoted as RFC 4180 says
//! (`"a, ""b"""` is `a, "b"`). The fields of a line are split by the `csv`
//! crate; a line without a quote is split at its commas, which is what the
//! crate does with it (a test checks the two agree).
//!
//! The `csv` crate is permissive by design: it reads anything, and an
//! unterminated quote silently swallows the rest of the file. An import must
//! rather say what is wrong and where, so this crate refuses, with the row
//! and the column: a line that ends inside a quoted value (a value cannot
//! span lines), a quote inside an unquoted value, text after a closing quote,
//! a NUL byte, a carriage return that does not end the line, more or fewer
//! fields than the header, a header naming a column twice or a column the
//! file kind does not have, and text that is not UTF-8 (saying so when it
//! looks like GBK, the usual encoding of files saved by Chinese Excel, with
//! the command that converts it).

use std::fmt;

/// The command that converts a GBK file, as the error messages give it.
pub const ICONV_HINT: &str = "iconv -f GBK -t UTF-8 in.csv > out.csv";

/// The columns a kind of file has: all of `required`, any of `optional`.
#[derive(Copy, Clone, Debug)]
pub struct Columns<'a> {
    pub required: &'a [&'a str],
    pub optional: &'a [&'a str],
}

impl<'a> Columns<'a> {
    pub const fn new(required: &'a [&'a str], optional: &'a [&'a str]) -> Columns<'a> {
        Columns { required, optional }
    }

    fn knows(&self, name: &str) -> bool {
        self.required.contains(&name) || self.optional.contains(&name)
    }

    fn expected(&self) -> String {
        let mut names = self.required.join(",");
        for o in self.optional {
            names.push_str(&format!("[,{o}]"));
        }
        names
    }
}

/// What is wrong, without where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The file has no header row.
    Empty,
    /// Not UTF-8; `gbk` when the bytes read as GBK (or GB 18030).
    NotUtf8 {
        gbk: bool,
    },
    NulByte,
    /// A carriage return that does not end its line.
    CarriageReturn,
    /// The line ends inside a quoted value.
    UnterminatedQuote,
    /// A quote inside a value that does not start with one.
    QuoteInUnquotedValue,
    /// Text between a closing quote and the next comma.
    TextAfterClosingQuote,
    /// A record with more or fewer fields than the header.
    FieldCount {
        found: usize,
        expected: usize,
    },
    /// The header names a column twice (`first` is the 1-based column of
    /// the first time).
    DuplicateColumn {
        name: String,
        first: usize,
    },
    MissingColumns {
        missing: Vec<String>,
        expected: String,
    },
    UnknownColumn {
        name: String,
        expected: String,
    },
    EmptyColumnName,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Empty => write!(f, "the file is empty; it must start with a header row"),
            Problem::NotUtf8 { gbk: true } => write!(
                f,
                "the file is not UTF-8: it looks like GBK (as Excel saves CSV on Chinese Windows); convert it to UTF-8 first, e.g. `{ICONV_HINT}`"
            ),
            Problem::NotUtf8 { gbk: false } => write!(
                f,
                "the text is not UTF-8; save the file as UTF-8 (CSV UTF-8 in Excel)"
            ),
            Problem::NulByte => write!(f, "a NUL byte (0x00) in the value"),
            Problem::CarriageReturn => write!(
                f,
                "a carriage return inside the line; lines end with LF or CRLF and a value cannot hold a line break"
            ),
            Problem::UnterminatedQuote => write!(
                f,
                "unterminated quote: the quoted value is not closed by the end of the line (a value cannot span lines)"
            ),
            Problem::QuoteInUnquotedValue => write!(
                f,
                "a quote inside an unquoted value; quote the whole value and double the quote (\"a \"\"b\"\"\")"
            ),
            Problem::TextAfterClosingQuote => write!(
                f,
                "text after the closing quote of a quoted value; a comma or the end of the line must follow it"
            ),
            Problem::FieldCount { found, expected } if found > expected => write!(
                f,
                "{found} fields, but the header has {expected} columns: {} extra (a comma in a value must be quoted)",
                found - expected
            ),
            Problem::FieldCount { found, expected } => {
                write!(f, "{found} fields, but the header has {expected} columns")
            }
            Problem::DuplicateColumn { name, first } => write!(
                f,
                "the header names the column {name} twice (first as column {first})"
            ),
            Problem::MissingColumns { missing, expected } => write!(
                f,
                "the header lacks the column(s) {}; expected {expected}",
                missing.join(", ")
            ),
            Problem::UnknownColumn { name, expected } => write!(
                f,
                "the header has a column {name:?} that this file does not have; expected {expected}"
            ),
            Problem::EmptyColumnName => write!(f, "a column of the header has no name"),
        }
    }
}

/// A refusal: the row (the line of the file, the header being row 1; 0 for
/// the file as a whole), the column if one is at fault, and the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvError {
    pub line: u64,
    /// 1-based.
    pub column: Option<usize>,
    /// The column's name in the header, when known.
    pub column_name: Option<String>,
    pub problem: Problem,
}

impl CsvError {
    fn new(line: u64, column: Option<usize>, problem: Problem) -> CsvError {
        CsvError {
            line,
            column,
            column_name: None,
            problem,
        }
    }

    fn named(mut self, header: Option<&Header>) -> CsvError {
        if let (Some(h), Some(c)) = (header, self.column) {
            self.column_name = h.names.get(c - 1).cloned();
        }
        self
    }

    /// The field at fault, as the import errors name it: the column's name,
    /// else `column N`, else `row`.
    pub fn field(&self) -> String {
        match (&self.column_name, self.column) {
            (Some(name), _) => name.clone(),
            (None, Some(c)) => format!("column {c}"),
            (None, None) => "row".to_owned(),
        }
    }

    /// Whether the problem is the whole file's (its encoding or header),
    /// not one row's.
    pub fn is_file_level(&self) -> bool {
        matches!(
            self.problem,
            Problem::Empty
                | Problem::NotUtf8 { .. }
                | Problem::DuplicateColumn { .. }
                | Problem::MissingColumns { .. }
                | Problem::UnknownColumn { .. }
                | Problem::EmptyColumnName
        ) || self.line <= 1
    }
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "row {}", self.line)?;
            match (&self.column_name, self.column) {
                (Some(name), Some(c)) => write!(f, ", column {c} ({name})")?,
                (None, Some(c)) => write!(f, ", column {c}")?,
                _ => {}
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.problem)
    }
}

impl std::error::Error for CsvError {}

/// The header: the columns by name, each once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    names: Vec<String>,
}

impl Header {
    /// Reads the header line (without its line break; a byte-order mark is
    /// dropped). Names are trimmed; each must be one of `columns` and
    /// appear once, and every required one must be there.
    pub fn parse(line: &[u8], columns: Columns<'_>) -> Result<Header, CsvError> {
        let line = strip_bom(line);
        let mut splitter = Splitter::default();
        let fields = splitter.split(line, 1, None)?;
        let names: Vec<String> = fields.iter().map(|n| n.trim().to_owned()).collect();
        if names.len() == 1 && names[0].is_empty() {
            return Err(CsvError::new(1, None, Problem::Empty));
        }
        for (i, name) in names.iter().enumerate() {
            if name.is_empty() {
                return Err(CsvError::new(1, Some(i + 1), Problem::EmptyColumnName));
            }
            if let Some(first) = names[..i].iter().position(|n| n == name) {
                return Err(CsvError::new(
                    1,
                    Some(i + 1),
                    Problem::DuplicateColumn {
                        name: name.clone(),
                        first: first + 1,
                    },
                ));
            }
            if !columns.knows(name) {
                return Err(CsvError::new(
                    1,
                    Some(i + 1),
                    Problem::UnknownColumn {
                        name: name.clone(),
                        expected: columns.expected(),
                    },
                ));
            }
        }
        let missing: Vec<String> = columns
            .required
            .iter()
            .filter(|r| !names.iter().any(|n| n == *r))
            .map(|r| (*r).to_owned())
            .collect();
        if !missing.is_empty() {
            return Err(CsvError::new(
                1,
                None,
                Problem::MissingColumns {
                    missing,
                    expected: columns.expected(),
                },
            ));
        }
        Ok(Header { names })
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The 0-based position of a column.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// Drops a UTF-8 byte-order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Whether bytes that are not UTF-8 read as GBK / GB 18030: every byte
/// outside ASCII belongs to a two-byte (lead 0x81-0xFE, trail 0x40-0xFE but
/// not 0x7F) or four-byte (0x81-0xFE, 0x30-0x39, 0x81-0xFE, 0x30-0x39)
/// sequence, and there is at least one. A cut at the end of `bytes` (a
/// chunk boundary) counts as a sequence.
pub fn looks_like_gbk(bytes: &[u8]) -> bool {
    let mut i = 0;
    let mut sequences = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        if !(0x81..=0xFE).contains(&b) {
            return false;
        }
        match bytes.get(i + 1) {
            None => return sequences > 0,
            Some(&t) if (0x40..=0xFE).contains(&t) && t != 0x7F => i += 2,
            Some(&t) if t.is_ascii_digit() => {
                let ok = bytes.get(i + 2).is_some_and(|b| (0x81..=0xFE).contains(b))
                    && bytes.get(i + 3).is_some_and(u8::is_ascii_digit);
                if !ok {
                    return false;
                }
                i += 4;
            }
            Some(_) => return false,
        }
        sequences += 1;
    }
    sequences > 0
}

/// Splits lines into fields, reusing its buffers from line to line.
#[derive(Default)]
pub struct Splitter {
    scratch: String,
    ranges: Vec<(usize, usize)>,
    record: csv::ByteRecord,
}

/// The fields of one line, borrowed from the line or from the splitter.
#[derive(Copy, Clone, Debug)]
pub struct Fields<'a> {
    text: &'a str,
    ranges: &'a [(usize, usize)],
}

impl<'a> Fields<'a> {
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The field at 0-based `i`, as written (not trimmed); "" past the end.
    pub fn get(&self, i: usize) -> &'a str {
        self.ranges.get(i).map_or("", |&(a, b)| &self.text[a..b])
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.ranges.iter().map(|&(a, b)| &self.text[a..b])
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

impl Splitter {
    /// Splits `line` (row `number` of the file; without its LF, a CR before
    /// it is dropped). With a header, the line must have as many fields as
    /// the header has columns, and errors name the column.
    pub fn split<'a>(
        &'a mut self,
        line: &'a [u8],
        number: u64,
        header: Option<&Header>,
    ) -> Result<Fields<'a>, CsvError> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let fail = |offset: usize, problem: Problem| {
            CsvError::new(number, Some(column_at(line, offset)), problem).named(header)
        };
        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(e) => {
                return Err(fail(
                    e.valid_up_to(),
                    Problem::NotUtf8 {
                        gbk: looks_like_gbk(line),
                    },
                ));
            }
        };
        if let Some(at) = line.iter().position(|&b| b == b'\0') {
            return Err(fail(at, Problem::NulByte));
        }
        if let Some(at) = line.iter().position(|&b| b == b'\r') {
            return Err(fail(at, Problem::CarriageReturn));
        }
        self.ranges.clear();
        let text: &'a str = if !line.contains(&b'"') {
            // What the csv crate does with a line without quotes.
            let mut start = 0;
            for (i, b) in line.iter().enumerate() {
                if *b == b',' {
                    self.ranges.push((start, i));
                    start = i + 1;
                }
            }
            self.ranges.push((start, line.len()));
            text
        } else {
            check_quotes(line).map_err(|(at, p)| fail(at, p))?;
            // Well-formed RFC 4180 on one line: the csv crate reads it.
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .buffer_capacity(line.len().max(64) + 2)
                .from_reader(line);
            let read = reader.read_byte_record(&mut self.record);
            if !matches!(read, Ok(true)) {
                return Err(fail(0, Problem::UnterminatedQuote));
            }
            self.scratch.clear();
            for field in self.record.iter() {
                let start = self.scratch.len();
                // UTF-8 already: the line is, and quotes and commas are ASCII.
                self.scratch
                    .push_str(std::str::from_utf8(field).unwrap_or(""));
                self.ranges.push((start, self.scratch.len()));
            }
            &self.scratch
        };
        if let Some(h) = header
            && self.ranges.len() != h.len()
        {
            let column = (self.ranges.len() > h.len()).then_some(h.len() + 1);
            return Err(CsvError::new(
                number,
                column,
                Problem::FieldCount {
                    found: self.ranges.len(),
                    expected: h.len(),
                },
            ));
        }
        Ok(Fields {
            text,
            ranges: &self.ranges,
        })
    }
}

/// Checks the quoting of a line (RFC 4180, a record a line).
fn check_quotes(line: &[u8]) -> Result<(), (usize, Problem)> {
    let mut i = 0;
    loop {
        // At the start of a field.
        if line.get(i) == Some(&b'"') {
            let opened = i;
            i += 1;
            loop {
                match line.get(i) {
                    None => return Err((opened, Problem::UnterminatedQuote)),
                    Some(b'"') if line.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            match line.get(i) {
                None => return Ok(()),
                Some(b',') => i += 1,
                Some(_) => return Err((i, Problem::TextAfterClosingQuote)),
            }
        } else {
            loop {
                match line.get(i) {
                    None => return Ok(()),
                    Some(b',') => {
                        i += 1;
                        break;
                    }
                    Some(b'"') => return Err((i, Problem::QuoteInUnquotedValue)),
                    Some(_) => i += 1,
                }
            }
        }
    }
}

/// The 1-based column of the byte at `offset`, counting the commas outside
/// quotes before it.
fn column_at(line: &[u8], offset: usize) -> usize {
    let mut column = 1;
    let mut quoted = false;
    for &b in &line[..offset.min(line.len())] {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => column += 1,
            _ => {}
        }
    }
    column
}

/// A data row of a file read whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The line of the file (the header is line 1).
    pub line: u64,
    pub fields: Vec<String>,
    /// The line as it was (for error reports).
    pub text: String,
}

impl Record {
    /// The field of the column `name` (trimmed), "" if the file has no such column.
    pub fn get<'a>(&'a self, header: &Header, name: &str) -> &'a str {
        header
            .index(name)
            .and_then(|i| self.fields.get(i))
            .map_or("", |s| s.trim())
    }
}

/// A file read whole: its header and each data row, or what is wrong with it.
#[derive(Clone, Debug)]
pub struct Table {
    pub header: Header,
    pub rows: Vec<Result<Record, CsvError>>,
}

impl Table {
    /// The rows' refusals.
    pub fn errors(&self) -> impl Iterator<Item = &CsvError> {
        self.rows.iter().filter_map(|r| r.as_ref().err())
    }
}

/// Reads a whole file held in memory. A file that is not UTF-8, or whose
/// header is wrong, is refused as a whole (`Err`); a row with a problem is
/// an `Err` in [`Table::rows`], so that every bad row can be reported.
pub fn read_table(bytes: &[u8], columns: Columns<'_>) -> Result<Table, CsvError> {
    let bytes = strip_bom(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let at = e.valid_up_to();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64;
        return Err(CsvError::new(
            line,
            None,
            Problem::NotUtf8 {
                gbk: looks_like_gbk(bytes),
            },
        ));
    }
    let mut lines = lines(bytes);
    let Some((_, header_line)) = lines.next() else {
        return Err(CsvError::new(0, None, Problem::Empty));
    };
    let header = Header::parse(header_line, columns)?;
    let mut splitter = Splitter::default();
    let mut rows = Vec::new();
    for (number, line) in lines {
        if is_blank(line) {
            continue;
        }
        let row = splitter
            .split(line, number, Some(&header))
            .map(|fields| Record {
                line: number,
                fields: fields.to_vec(),
                text: String::from_utf8_lossy(line.strip_suffix(b"\r").unwrap_or(line))
                    .into_owned(),
            });
        rows.push(row);
    }
    Ok(Table { header, rows })
}

/// Whether a line is empty (an empty line is not a record).
pub fn is_blank(line: &[u8]) -> bool {
    line.is_empty() || line == b"\r"
}

/// The lines of `bytes` with their 1-based numbers, without their LF.
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let empty = bytes.is_empty();
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .filter(move |_| !empty)
        .map(|(i, l)| (i as u64 + 1, l))
}
