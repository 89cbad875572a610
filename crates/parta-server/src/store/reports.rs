//! Reports of messages and what their handlers did.

use async_trait::async_trait;

use crate::store::Result;

/// A report as stored, with the names it needs.
#[derive(Debug, Clone)]
pub struct ReportRecord {
    pub id: i64,
    pub mid: String,
    pub chat_id: i64,
    pub chat_title: String,
    pub author_id: i64,
    pub author_first: String,
    pub author_last: Option<String>,
    pub text: String,
    pub reporter_id: i64,
    pub reporter_first: String,
    pub reporter_last: Option<String>,
    /// `ReportReason::as_str`.
    pub reason: String,
    pub note: Option<String>,
    pub created_at: i64,
    /// `ReportStatus::as_str`.
    pub status: String,
    pub handled_by: Option<i64>,
    pub handler_first: Option<String>,
    pub handler_last: Option<String>,
    pub handled_at: Option<i64>,
}

/// A new report.
#[derive(Debug, Clone, Copy)]
pub struct NewReportRecord<'a> {
    pub mid: &'a str,
    pub chat_id: i64,
    pub author_id: i64,
    pub text: &'a str,
    pub reporter_id: i64,
    pub reason: &'a str,
    pub note: Option<&'a str>,
    pub at: i64,
}

/// Statements about reports.
#[async_trait]
pub trait ReportRows {
    /// Files a report; an open one by the same reporter on the same message is kept instead.
    /// The report's id either way.
    async fn insert_report(&mut self, report: NewReportRecord<'_>) -> Result<i64>;
    async fn report(&mut self, id: i64) -> Result<Option<ReportRecord>>;
    /// Reports newest first: only open ones, or all; only in `chat_ids` unless `None`.
    async fn reports(
        &mut self,
        open_only: bool,
        chat_ids: Option<&[i64]>,
        limit: i64,
    ) -> Result<Vec<ReportRecord>>;
    /// `reporter_id`'s reports, newest first.
    async fn reports_by(&mut self, reporter_id: i64, limit: i64) -> Result<Vec<ReportRecord>>;
    /// Closes every open report on `mid` with `status`; how many it closed.
    async fn close_reports(&mut self, mid: &str, status: &str, by: i64, at: i64) -> Result<u64>;
}
