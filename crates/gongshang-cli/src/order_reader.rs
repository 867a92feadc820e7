//! Reading a platform's order file on every core, in order.
//!
//! A reader thread cuts the file into chunks of lines; parser threads (each
//! with its own price cache) turn a chunk into order records or row errors;
//! the caller receives the chunks in file order on its own thread, so that
//! it can store one batch while the next ones are being parsed. Orders come
//! by the ten million and parsing costs about as much as storing, so
//! overlapping the two is what makes an import fit its time.
//!
//! Lines are split into fields by `gongshang-csv`, the reader of every
//! import (quoting, CRLF, a byte-order mark, the refusals with row and
//! column); a record is one line, so the file can be cut at line breaks.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use gongshang_app::imports::{ImportKind, RowProblem, order_input};
use gongshang_app::{App, OrderPricer};
use gongshang_csv::{Header, Splitter};
use gongshang_store::OrderRecord;

use crate::CliError;
use crate::import::RowError;

/// Lines per chunk: big enough that the channels cost nothing, small enough
/// that a few in flight take little memory.
const CHUNK_LINES: usize = 16_384;

use gongshang_app::imports::ORDER_COLUMNS;

/// A parsed chunk: its rows in file order (with their line), and how far
/// into the file it ends.
pub struct Chunk {
    pub rows: Vec<Result<(u64, OrderRecord), RowError>>,
    pub bytes_end: u64,
}

struct RawChunk {
    seq: u64,
    /// The line number of the first line (the header is line 1).
    first_line: u64,
    lines: Vec<Vec<u8>>,
    bytes_end: u64,
}

/// Reads the order file at `path`, parsing on `parsers` threads, and calls
/// `each` with every chunk in file order. Returns the file's size in bytes.
/// Stops at the first error `each` returns.
pub fn read_orders(
    app: &App,
    path: &Path,
    parsers: usize,
    mut each: impl FnMut(Chunk) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let file = std::fs::File::open(path)
        .map_err(|e| CliError(format!("cannot open {}: {e}", path.display())))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut header_line = Vec::new();
    reader
        .read_until(b'\n', &mut header_line)
        .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
    let header = Header::parse(
        header_line.strip_suffix(b"\n").unwrap_or(&header_line),
        ImportKind::Orders.columns(),
    )
    .map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    let cols = OrderColumns(std::array::from_fn(|i| {
        header.index(ORDER_COLUMNS[i]).expect("checked")
    }));
    let header_bytes = header_line.len() as u64;
    let parsers = parsers.max(1);

    std::thread::scope(|scope| -> Result<(), CliError> {
        let (raw_tx, raw_rx) = sync_channel::<RawChunk>(parsers * 2);
        let raw_rx = Arc::new(Mutex::new(raw_rx));
        let (parsed_tx, parsed_rx) = sync_channel::<(u64, Chunk)>(parsers * 2);

        let reader_thread = scope.spawn(move || read_chunks(reader, header_bytes, raw_tx));
        let mut workers = Vec::new();
        for _ in 0..parsers {
            let raw_rx = Arc::clone(&raw_rx);
            let parsed_tx = parsed_tx.clone();
            let (cols, header) = (&cols, &header);
            workers.push(scope.spawn(move || -> Result<(), gongshang_app::AppError> {
                let mut pricer = app.order_pricer()?;
                parse_chunks(&raw_rx, &parsed_tx, cols, header, &mut pricer);
                Ok(())
            }));
        }
        drop(parsed_tx);

        // Hand the chunks over in file order.
        let mut waiting: BTreeMap<u64, Chunk> = BTreeMap::new();
        let mut next = 0u64;
        let mut outcome = Ok(());
        for (seq, chunk) in &parsed_rx {
            waiting.insert(seq, chunk);
            while let Some(chunk) = waiting.remove(&next) {
                next += 1;
                if outcome.is_ok() {
                    outcome = each(chunk);
                }
            }
            if outcome.is_err() {
                break;
            }
        }
        // Unblock the threads if we stopped early: dropping the receiver
        // makes their sends fail and they return.
        drop(parsed_rx);
        for w in workers {
            w.join()
                .map_err(|_| CliError("an order parser thread panicked".to_owned()))?
                .map_err(|e| CliError(e.to_string()))?;
        }
        let read = reader_thread
            .join()
            .map_err(|_| CliError("the file reader thread panicked".to_owned()))?;
        outcome?;
        read.map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))
    })
}

fn read_chunks(
    mut reader: BufReader<std::fs::File>,
    mut bytes: u64,
    out: SyncSender<RawChunk>,
) -> std::io::Result<()> {
    let mut line_number = 1u64;
    let mut seq = 0u64;
    loop {
        let first_line = line_number + 1;
        let mut lines = Vec::with_capacity(CHUNK_LINES);
        for _ in 0..CHUNK_LINES {
            let mut line = Vec::new();
            let n = reader.read_until(b'\n', &mut line)?;
            if n == 0 {
                break;
            }
            bytes += n as u64;
            line_number += 1;
            lines.push(line);
        }
        if lines.is_empty() {
            return Ok(());
        }
        let full = lines.len() == CHUNK_LINES;
        let chunk = RawChunk {
            seq,
            first_line,
            lines,
            bytes_end: bytes,
        };
        seq += 1;
        if out.send(chunk).is_err() || !full {
            return Ok(());
        }
    }
}

fn parse_chunks(
    input: &Mutex<Receiver<RawChunk>>,
    out: &SyncSender<(u64, Chunk)>,
    cols: &OrderColumns,
    header: &Header,
    pricer: &mut OrderPricer<'_>,
) {
    let mut splitter = Splitter::default();
    loop {
        let raw = match input.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(raw) = raw else { return };
        let mut rows = Vec::with_capacity(raw.lines.len());
        for (i, line) in raw.lines.iter().enumerate() {
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            if gongshang_csv::is_blank(line) {
                continue;
            }
            let number = raw.first_line + i as u64;
            let row = match splitter.split(line, number, Some(header)) {
                Ok(fields) => {
                    let get = |k: usize| fields.get(cols.0[k]);
                    order_input([get(0), get(1), get(2), get(3), get(4), get(5)])
                        .and_then(|input| pricer.price(input))
                        .map(|o| (number, o))
                        .map_err(|e| {
                            let text = String::from_utf8_lossy(line);
                            RowError::from(RowProblem::of(number, text.trim_end(), "row", &e))
                        })
                }
                Err(e) => Err(RowError::from(RowProblem::of_csv(
                    &e,
                    &String::from_utf8_lossy(line),
                ))),
            };
            rows.push(row);
        }
        let chunk = Chunk {
            rows,
            bytes_end: raw.bytes_end,
        };
        if out.send((raw.seq, chunk)).is_err() {
            return;
        }
    }
}

/// Column positions of the order file, in [`ORDER_COLUMNS`] order.
struct OrderColumns([usize; 6]);
