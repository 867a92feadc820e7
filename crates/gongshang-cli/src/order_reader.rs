//! Reading a platform's order file on every core, in order.
//!
//! A reader thread cuts the file into chunks of lines; parser threads (each
//! with its own price cache) turn a chunk into order records or row errors;
//! the caller receives the chunks in file order on its own thread, so that
//! it can store one batch while the next ones are being parsed. Orders come
//! by the ten million and parsing costs about as much as storing, so
//! overlapping the two is what makes an import fit its time.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use gongshang_app::{App, AppError, OrderInput, OrderPricer};
use gongshang_domain::ids::{OrderId, PlatformId, ResidentId};
use gongshang_rules::scheme::OrderIndustry;
use gongshang_store::OrderRecord;

use crate::CliError;
use crate::csvin::{Header, split_line};
use crate::import::{RowError, row_error};

/// Lines per chunk: big enough that the channels cost nothing, small enough
/// that a few in flight take little memory.
const CHUNK_LINES: usize = 16_384;

/// The columns an order file must have.
pub const ORDER_COLUMNS: &[&str] = &[
    "platform",
    "order_id",
    "resident_id",
    "ordered_at",
    "industry",
    "province",
];

/// A parsed chunk: its rows in file order, and how far into the file it ends.
pub struct Chunk {
    pub rows: Vec<Result<OrderRecord, RowError>>,
    pub bytes_end: u64,
}

struct RawChunk {
    seq: u64,
    /// The line number of the first line (the header is line 1).
    first_line: u64,
    lines: Vec<String>,
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
    let mut header_line = String::new();
    reader
        .read_line(&mut header_line)
        .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
    let header = Header::parse(&header_line, ORDER_COLUMNS, &path.display().to_string())?;
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
            let cols = &cols;
            workers.push(scope.spawn(move || -> Result<(), AppError> {
                let mut pricer = app.order_pricer()?;
                parse_chunks(&raw_rx, &parsed_tx, cols, &mut pricer);
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
            let mut line = String::new();
            let n = reader.read_line(&mut line)?;
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
    pricer: &mut OrderPricer<'_>,
) {
    loop {
        let raw = match input.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(raw) = raw else { return };
        let mut rows = Vec::with_capacity(raw.lines.len());
        for (i, line) in raw.lines.iter().enumerate() {
            let text = line.trim_end_matches(['\n', '\r']);
            if text.trim().is_empty() {
                continue;
            }
            let number = raw.first_line + i as u64;
            rows.push(
                parse_order(cols, text, pricer)
                    .map_err(|(field, e)| row_error(number, text, field, &e)),
            );
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

fn industry(text: &str) -> Result<OrderIndustry, AppError> {
    match text {
        "ride_hailing" => Ok(OrderIndustry::RideHailing),
        "instant_delivery" => Ok(OrderIndustry::InstantDelivery),
        "intra_city_freight" => Ok(OrderIndustry::IntraCityFreight),
        _ => Err(AppError::invalid(
            "industry",
            format!("{text:?}; expected ride_hailing, instant_delivery or intra_city_freight"),
        )),
    }
}

/// Column positions of the order file.
struct OrderColumns([usize; 6]);

fn parse_order(
    cols: &OrderColumns,
    line: &str,
    pricer: &mut OrderPricer<'_>,
) -> Result<OrderRecord, (&'static str, AppError)> {
    let owned;
    let fields: Vec<&str> = if line.contains('"') {
        owned = split_line(line);
        owned.iter().map(String::as_str).collect()
    } else {
        line.split(',').collect()
    };
    let get = |i: usize| fields.get(cols.0[i]).map_or("", |s| s.trim());
    let input = OrderInput {
        platform: PlatformId::parse(get(0)).map_err(|e| ("platform", e.into()))?,
        order_id: OrderId::parse(get(1)).map_err(|e| ("order_id", e.into()))?,
        resident_id: ResidentId::parse(get(2)).map_err(|e| ("resident_id", e.into()))?,
        ordered_at: get(3).parse().map_err(|_| {
            (
                "ordered_at",
                AppError::invalid(
                    "ordered_at",
                    format!(
                        "{:?} is not an instant; expected RFC 3339 with an offset, e.g. 2025-07-01T12:30:00+08:00",
                        get(3)
                    ),
                ),
            )
        })?,
        industry: industry(get(4)).map_err(|e| ("industry", e))?,
        province: get(5).to_owned(),
    };
    pricer.price(input).map_err(|e| ("row", e))
}
