//! How a case's events are stored: each with its stream, a kind (the event's
//! name, for queries and the audit log), and a body in a numbered format.
//!
//! Format 1 is the domain's serde form of December 2026. The domain's types
//! may change; stored events never do. So every read goes through [`decode`],
//! which knows each format written so far: a change to the domain that would
//! read a stored event differently needs a new format number and a case here
//! that reads the old one (an upcaster), and the fixtures of every format in
//! `test_data/events/` are read back by a test. What the app answers with is
//! [`CaseEventRecord`], never the stored body.

use gongshang_domain::case::EventStream;
use gongshang_domain::{appraisal, confirmation, determination, insurer_claim};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use gongshang_store::cases::{NewCaseEvent, StoredCaseEvent};

use crate::error::AppError;

/// The format the app writes.
pub const EVENT_FORMAT: i64 = 1;

/// One stored event read back as the domain's event of its stream.
#[derive(Clone, Debug, PartialEq)]
pub enum DecodedEvent {
    Determination(determination::Event),
    Appraisal(appraisal::Event),
    Confirmation(confirmation::Event),
    Claim(insurer_claim::Event),
}

/// An event as the app shows it: when, what, and who recorded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseEventRecord {
    /// 1, 2, 3, ... over all the case's streams.
    pub seq: i64,
    pub stream: EventStream,
    /// The event's name (`filed`, `accepted`, `concluded`, ...).
    pub kind: String,
    /// The legal date of the event.
    pub on: Date,
    pub recorded_at: Timestamp,
    /// Who recorded it (`role:login`).
    pub actor: String,
}

impl From<&StoredCaseEvent> for CaseEventRecord {
    fn from(e: &StoredCaseEvent) -> Self {
        CaseEventRecord {
            seq: e.seq,
            stream: e.stream,
            kind: e.kind.clone(),
            on: e.on,
            recorded_at: e.recorded_at,
            actor: e.actor.clone(),
        }
    }
}

/// The event's name: the `event` tag of its serde form.
fn kind_of<T: Serialize>(event: &T) -> String {
    serde_json::to_value(event)
        .ok()
        .and_then(|v| v.get("event").and_then(|e| e.as_str().map(str::to_owned)))
        .unwrap_or_else(|| "event".into())
}

/// A domain event to append, in the current format.
pub(crate) fn encode<T: Serialize>(
    stream: EventStream,
    on: Date,
    event: &T,
) -> Result<NewCaseEvent, AppError> {
    let body = serde_json::to_string(event)
        .map_err(|e| AppError::invalid("event", format!("cannot be stored: {e}")))?;
    Ok(NewCaseEvent {
        stream,
        kind: kind_of(event),
        on,
        format: EVENT_FORMAT,
        body,
    })
}

/// A run of one stream's events to append.
pub(crate) fn encode_all<T: Serialize>(
    stream: EventStream,
    events: &[T],
    on: impl Fn(&T) -> Date,
) -> Result<Vec<NewCaseEvent>, AppError> {
    events.iter().map(|e| encode(stream, on(e), e)).collect()
}

/// Reads a stored event of any format written so far.
pub fn decode(stream: EventStream, format: i64, body: &str) -> Result<DecodedEvent, String> {
    match format {
        1 => decode_v1(stream, body),
        other => Err(format!(
            "event format {other} is not known to this build (it reads 1 to {EVENT_FORMAT})"
        )),
    }
}

fn decode_v1(stream: EventStream, body: &str) -> Result<DecodedEvent, String> {
    let e = |e: serde_json::Error| e.to_string();
    Ok(match stream {
        EventStream::Determination => {
            DecodedEvent::Determination(serde_json::from_str(body).map_err(e)?)
        }
        EventStream::Appraisal => DecodedEvent::Appraisal(serde_json::from_str(body).map_err(e)?),
        EventStream::Confirmation => {
            DecodedEvent::Confirmation(serde_json::from_str(body).map_err(e)?)
        }
        EventStream::InsurerClaim => DecodedEvent::Claim(serde_json::from_str(body).map_err(e)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_format_is_refused_naming_it() {
        let err = decode(EventStream::Determination, 99, "{}").unwrap_err();
        assert!(err.contains("format 99"), "{err}");
    }
}
