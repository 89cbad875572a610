//! Where the school's data lives, behind traits, so that PostgreSQL can follow SQLite.
//!
//! The domain modules (`messages`, `invites`, …) hold the rules and decide what goes into one
//! transaction; they never see SQL. They ask a [`Store`] for a unit of work — [`Store::read`]
//! for reads and single writes, [`Store::begin`] for a transaction — and call the statements of
//! [`Tx`] on it. `Tx` is the sum of one trait per area ([`PeopleRows`], [`ChatRows`],
//! [`MessageRows`], [`SchoolRows`], [`UploadRows`], [`UpdateRows`], [`ScheduleRows`],
//! [`LessonRows`], [`BridgeRows`], [`ReportRows`]), each a
//! list of plain statements over records defined beside it.
//!
//! What every implementation must honour (the suite in `tests/server/store.rs` checks it):
//! - a transaction that is dropped without [`Tx::commit`] leaves nothing behind;
//! - ids from the update log grow in commit order, so a reader that saw id N sees everything
//!   below N (long polls rely on it);
//! - times are Unix milliseconds, stored as given;
//! - [`Tx::commit`] reports the highest update id the unit appended, so that the school
//!   context wakes long polls for exactly what became visible.
//!
//! Every statement fails with a [`StoreError`], never with a backend's own error type, so the
//! domain modules do not know which database is underneath.
//!
//! [`sqlite::SqliteStore`] is the implementation: one file, WAL, zero set-up.

pub mod bridge;
pub mod chats;
mod error;
pub mod lessons;
pub mod messages;
pub mod migrate;
pub mod people;
pub mod postgres;
pub mod reports;
pub mod schedule;
pub mod school;
pub mod sqlite;
pub mod updates;
pub mod uploads;

use async_trait::async_trait;

pub use bridge::BridgeRows;
pub use chats::ChatRows;
pub use error::{Result, StoreError};
pub use lessons::LessonRows;
pub use messages::MessageRows;
pub use people::PeopleRows;
pub use reports::ReportRows;
pub use schedule::ScheduleRows;
pub use school::SchoolRows;
pub use updates::UpdateRows;
pub use uploads::UploadRows;

/// The school's database.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// A unit of work whose statements each take effect at once (reads, single writes).
    async fn read(&self) -> Result<Box<dyn Tx>>;
    /// A transaction: its statements take effect together at [`Tx::commit`], or not at all.
    async fn begin(&self) -> Result<Box<dyn Tx>>;
    /// Waits for work in flight and closes the database.
    async fn close(&self);
    /// How busy the store is now (`/metrics`).
    fn load(&self) -> StoreLoad {
        StoreLoad::default()
    }
}

/// How busy a store is now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreLoad {
    /// Write transactions waiting for their turn (a connection and the writers' lock).
    pub writers_waiting: i64,
    /// Connections open, and how many of them are idle.
    pub connections: u32,
    pub idle: u32,
}

/// Counts a writer from when it asks for its turn until it has it (or gives up).
#[derive(Debug, Default, Clone)]
pub(crate) struct WaitingWriters(std::sync::Arc<std::sync::atomic::AtomicI64>);

impl WaitingWriters {
    pub(crate) fn enter(&self) -> WaitingGuard<'_> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        WaitingGuard(self)
    }

    pub(crate) fn now(&self) -> i64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// One writer waiting, counted while it lives.
pub(crate) struct WaitingGuard<'a>(&'a WaitingWriters);

impl Drop for WaitingGuard<'_> {
    fn drop(&mut self) {
        (self.0)
            .0
            .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The statements of every area, on one connection or transaction.
#[async_trait]
pub trait Tx:
    PeopleRows
    + ChatRows
    + MessageRows
    + SchoolRows
    + UploadRows
    + UpdateRows
    + ScheduleRows
    + LessonRows
    + BridgeRows
    + ReportRows
    + Send
{
    /// Makes a transaction's statements durable (nothing for [`Store::read`]'s units), and
    /// says what it appended to the update log.
    async fn commit(self: Box<Self>) -> Result<Committed>;
}

/// What a commit made visible that others may be waiting for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[must_use]
pub struct Committed {
    /// The highest update id the unit of work appended, if it appended any.
    pub newest_update: Option<i64>,
}

/// Everything a domain module needs to talk to the store.
pub mod prelude {
    pub use super::{
        BridgeRows, ChatRows, Committed, LessonRows, MessageRows, PeopleRows, ReportRows,
        ScheduleRows, SchoolRows, Store, Tx, UpdateRows, UploadRows,
    };
}
