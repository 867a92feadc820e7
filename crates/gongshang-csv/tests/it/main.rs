//! The CSV dialect, as data: each line with the fields it gives or the
//! refusal (problem and column) it gets; and the unquoted fast path against
//! the `csv` crate itself.

use gongshang_csv::{Columns, CsvError, Header, Problem, Splitter, looks_like_gbk, read_table};

const COLUMNS: Columns<'static> = Columns::new(&["a", "b", "c"], &["d"]);

fn header() -> Header {
    Header::parse(b"a,b,c", COLUMNS).unwrap()
}

fn split(line: &[u8]) -> Result<Vec<String>, CsvError> {
    let mut s = Splitter::default();
    s.split(line, 2, Some(&header())).map(|f| f.to_vec())
}

#[test]
fn lines_give_their_fields() {
    let cases: &[(&[u8], [&str; 3])] = &[
        (b"1,2,3", ["1", "2", "3"]),
        (b"1,2,3\r", ["1", "2", "3"]),
        (b",,", ["", "", ""]),
        (b" x , y ,z", [" x ", " y ", "z"]),
        (br#""a, b",2,3"#, ["a, b", "2", "3"]),
        (br#""say ""hi""",2,"""""#, [r#"say "hi""#, "2", r#"""#]),
        (br#""",2,3"#, ["", "2", "3"]),
        ("王伟,\"李,芳\",3\r".as_bytes(), ["王伟", "李,芳", "3"]),
    ];
    for (line, want) in cases {
        assert_eq!(
            split(line).unwrap(),
            want.to_vec(),
            "{}",
            String::from_utf8_lossy(line)
        );
    }
}

#[test]
fn malformed_lines_are_refused_with_their_column() {
    let cases: &[(&[u8], Problem, Option<usize>)] = &[
        (br#"1,"open,3"#, Problem::UnterminatedQuote, Some(2)),
        (br#"1,a"b,3"#, Problem::QuoteInUnquotedValue, Some(2)),
        (br#""a"b,2,3"#, Problem::TextAfterClosingQuote, Some(1)),
        (b"1,a\0b,3", Problem::NulByte, Some(2)),
        (b"1,a\rb,3", Problem::CarriageReturn, Some(2)),
        (
            b"1,2,3,4",
            Problem::FieldCount {
                found: 4,
                expected: 3,
            },
            Some(4),
        ),
        (
            b"1,2",
            Problem::FieldCount {
                found: 2,
                expected: 3,
            },
            None,
        ),
        (
            b"1,\xcd\xf5\xce\xb0,3",
            Problem::NotUtf8 { gbk: true },
            Some(2),
        ),
        (b"1,\xff,3", Problem::NotUtf8 { gbk: false }, Some(2)),
    ];
    for (line, problem, column) in cases {
        let e = split(line).unwrap_err();
        assert_eq!(
            (&e.problem, e.column, e.line),
            (problem, *column, 2),
            "{}",
            String::from_utf8_lossy(line)
        );
    }
    let e = split(br#"1,"open,3"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "row 2, column 2 (b): unterminated quote: the quoted value is not closed by the end of the line (a value cannot span lines)"
    );
}

#[test]
fn headers_are_checked() {
    let cases: &[(&[u8], Result<usize, Problem>)] = &[
        (b"\xEF\xBB\xBFa,b,c", Ok(3)),
        (b" c , b,a,d", Ok(4)),
        (
            b"a,b,c,a",
            Err(Problem::DuplicateColumn {
                name: "a".into(),
                first: 1,
            }),
        ),
        (
            b"a,b,c,e",
            Err(Problem::UnknownColumn {
                name: "e".into(),
                expected: "a,b,c[,d]".into(),
            }),
        ),
        (
            b"a,c",
            Err(Problem::MissingColumns {
                missing: vec!["b".into()],
                expected: "a,b,c[,d]".into(),
            }),
        ),
        (b"", Err(Problem::Empty)),
        (b"a,,b,c", Err(Problem::EmptyColumnName)),
    ];
    for (line, want) in cases {
        let got = Header::parse(line, COLUMNS)
            .map(|h| h.len())
            .map_err(|e| e.problem);
        assert_eq!(&got, want, "{}", String::from_utf8_lossy(line));
    }
}

#[test]
fn a_whole_file_reports_every_bad_row_and_skips_empty_lines() {
    let text = "\u{feff}a,b,c\r\n1,2,3\r\n\r\n4,\"5\r\n6,7,8,9\n";
    let table = read_table(text.as_bytes(), COLUMNS).unwrap();
    type Row = Result<(u64, Vec<String>), (u64, Problem)>;
    let got: Vec<Row> = table
        .rows
        .iter()
        .map(|r| match r {
            Ok(r) => Ok((r.line, r.fields.clone())),
            Err(e) => Err((e.line, e.problem.clone())),
        })
        .collect();
    assert_eq!(
        got,
        vec![
            Ok((2, vec!["1".into(), "2".into(), "3".into()])),
            Err((4, Problem::UnterminatedQuote)),
            Err((
                5,
                Problem::FieldCount {
                    found: 4,
                    expected: 3
                }
            )),
        ]
    );
}

#[test]
fn a_gbk_file_is_named_as_such_with_the_command_that_converts_it() {
    // "a,b,c\n王伟,1,2\n" in GBK.
    let gbk = b"a,b,c\n\xcd\xf5\xce\xb0,1,2\n";
    let e = read_table(gbk, COLUMNS).unwrap_err();
    assert_eq!((e.line, &e.problem), (2, &Problem::NotUtf8 { gbk: true }));
    assert!(e.to_string().contains("looks like GBK"), "{e}");
    assert!(
        e.to_string()
            .contains("iconv -f GBK -t UTF-8 in.csv > out.csv"),
        "{e}"
    );
    assert!(looks_like_gbk(b"\x81\x30\x81\x30 GB 18030 four bytes"));
    assert!(!looks_like_gbk(b"plain ascii"));
    assert!(!looks_like_gbk(b"\xff\xfe"));
    // Latin-1 is not mistaken for GBK when a byte cannot lead a pair.
    assert!(!looks_like_gbk(b"caf\xe9 ok"));
}

/// A tiny deterministic generator (no dependency): lines of fields made of
/// letters, digits, spaces, commas and Chinese, some quoted.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn the_splitter_gives_what_the_csv_crate_gives_on_well_formed_lines() {
    let alphabet = ["a", "7", " ", "王", "-", ".", ",", "\"", "x"];
    let mut rng = Lcg(20260101);
    let mut splitter = Splitter::default();
    for _ in 0..5000 {
        let fields = 1 + rng.next() % 5;
        let mut line = String::new();
        for f in 0..fields {
            if f > 0 {
                line.push(',');
            }
            let len = rng.next() % 6;
            let mut value = String::new();
            for _ in 0..len {
                value.push_str(alphabet[(rng.next() % alphabet.len() as u64) as usize]);
            }
            if value.contains([',', '"']) || rng.next().is_multiple_of(4) {
                line.push('"');
                line.push_str(&value.replace('"', "\"\""));
                line.push('"');
            } else {
                line.push_str(&value);
            }
        }
        let ours = splitter.split(line.as_bytes(), 2, None).unwrap().to_vec();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(line.as_bytes());
        let mut record = csv::StringRecord::new();
        // An empty line is no record for the crate; for us one empty field.
        let theirs: Vec<String> = if reader.read_record(&mut record).unwrap() {
            record.iter().map(str::to_owned).collect()
        } else {
            vec![String::new()]
        };
        assert_eq!(ours, theirs, "{line}");
    }
}
