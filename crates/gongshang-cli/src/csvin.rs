//! Reading the import CSVs: UTF-8 with or without a BOM, a header row, RFC
//! 4180 quoting within a line. Columns are found by name in the header.

use std::io::BufRead;

use crate::CliError;

/// Splits one line into fields (quoted fields may hold commas and `""`).
pub fn split_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (_, c) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// The position of each wanted column in the header; a missing required one is an error.
pub struct Header {
    names: Vec<String>,
}

impl Header {
    pub fn parse(line: &str, required: &[&str], file: &str) -> Result<Header, CliError> {
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        let names: Vec<String> = split_line(line.trim_end_matches(['\r', '\n']))
            .into_iter()
            .map(|n| n.trim().to_owned())
            .collect();
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|r| !names.iter().any(|n| n == r))
            .collect();
        if !missing.is_empty() {
            return Err(CliError(format!(
                "{file}: the header lacks the column(s) {}; expected {}",
                missing.join(", "),
                required.join(",")
            )));
        }
        Ok(Header { names })
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

/// A record's fields by column name.
pub struct Row<'a> {
    pub header: &'a Header,
    pub fields: Vec<String>,
}

impl Row<'_> {
    pub fn get(&self, name: &'static str) -> &str {
        self.header
            .index(name)
            .and_then(|i| self.fields.get(i))
            .map_or("", |s| s.trim())
    }
}

/// Reads the whole file's lines after the header (small files).
pub fn read_lines(path: &std::path::Path) -> Result<(String, Vec<(u64, String)>), CliError> {
    let file = std::fs::File::open(path)
        .map_err(|e| CliError(format!("cannot open {}: {e}", path.display())))?;
    let mut reader = std::io::BufReader::new(file);
    let mut header = String::new();
    reader
        .read_line(&mut header)
        .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
    let mut lines = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| CliError(format!("{}: row {}: {e}", path.display(), i + 2)))?;
        if line.trim().is_empty() {
            continue;
        }
        lines.push((i as u64 + 2, line.trim_end_matches('\r').to_owned()));
    }
    Ok((header, lines))
}
