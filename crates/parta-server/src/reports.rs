//! Reports of messages (procedure 6.2, 9.1). Any member of a chat reports a message with a
//! reason from 6.2's list or words of their own. The chat's administrators (`handle_reports`:
//! own chats) and the school administration (all chats) see open reports with the message and
//! the messages around it, and delete the message, restrict its author (9.2) or dismiss the
//! report; the decision closes every open report on that message, writes an audit entry, and
//! the reporters see it in their own list.

pub use parta_model::school::{
    MAX_REPORT_NOTE, NewReport, Report, ReportAction, ReportDecision, ReportList, ReportReason,
    ReportStatus,
};

use crate::access;
use crate::audit;
use crate::classes::Person;
use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::messages;
use crate::restrictions;
use crate::roles::{self, Action, Grant};
use crate::store::prelude::*;
use crate::store::reports::{NewReportRecord, ReportRecord};
use crate::users::person_name;

/// Longest list of reports one answer carries.
pub const MAX_LIST: i64 = 200;

/// Files a report on a message the caller can see; reporting it again while the first is
/// open returns the first.
pub async fn file(school: &School, caller: Caller, new: NewReport) -> Result<Report> {
    let note = new.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_REPORT_NOTE) {
        return Err(Error::bad_request(format!(
            "A report's note has up to {MAX_REPORT_NOTE} characters"
        )));
    }
    if new.reason == ReportReason::Other && note.is_none() {
        return Err(Error::bad_request(
            "Say in your own words what is wrong with the message",
        ));
    }
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    let record = tx
        .message(&new.message_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Message {} not found", new.message_id)))?;
    access::require_member_on(&mut *tx, caller.user_id, record.chat_id).await?;
    if record.sender.user_id == caller.user_id {
        return Err(Error::bad_request("You cannot report your own message"));
    }
    let id = tx
        .insert_report(NewReportRecord {
            mid: &new.message_id,
            chat_id: record.chat_id,
            author_id: record.sender.user_id,
            text: record.text.as_deref().unwrap_or(""),
            reporter_id: caller.user_id,
            reason: new.reason.as_str(),
            note,
            at: now,
        })
        .await?;
    let stored = tx
        .report(id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Report {id} not found")))?;
    school.commit(tx).await?;
    report_of(stored, Vec::new())
}

/// The caller's own reports, newest first, each with where it stands.
pub async fn mine(school: &School, caller: Caller) -> Result<ReportList> {
    let mut tx = school.read().await?;
    let records = tx.reports_by(caller.user_id, MAX_LIST).await?;
    let reports = records
        .into_iter()
        .map(|r| report_of(r, Vec::new()))
        .collect::<Result<_>>()?;
    Ok(ReportList { reports })
}

/// Reports for their handlers, newest first, with each message's context: the whole school's
/// for the administration, the chats they administer for teachers.
pub async fn list(school: &School, caller: Caller, open_only: bool) -> Result<ReportList> {
    let grant = roles::require(caller.role, Action::HandleReports)?;
    let mut tx = school.read().await?;
    let chats = match grant {
        Grant::School => None,
        _ => Some(administered(&mut *tx, caller.user_id).await?),
    };
    let records = tx.reports(open_only, chats.as_deref(), MAX_LIST).await?;
    let mut reports = Vec::with_capacity(records.len());
    for record in records {
        let context = context(&mut *tx, &record).await?;
        reports.push(report_of(record, context)?);
    }
    Ok(ReportList { reports })
}

/// Deletes the message, restricts its author or dismisses the report; closes every open
/// report on the message; one audit entry.
pub async fn resolve(
    school: &School,
    caller: Caller,
    id: i64,
    decision: ReportDecision,
) -> Result<Report> {
    let grant = roles::require(caller.role, Action::HandleReports)?;
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    let record = tx
        .report(id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Report {id} not found")))?;
    if grant != Grant::School {
        access::require_admin(&mut *tx, caller.user_id, record.chat_id).await?;
    }
    if record.status != ReportStatus::Open.as_str() {
        return Err(Error::conflict(format!("Report {id} is already handled")));
    }
    let status = match decision.action {
        ReportAction::Delete => {
            // Gone already (its author deleted it): the report is closed all the same.
            if tx.message(&record.mid).await?.is_some() {
                messages::remove_on(&mut *tx, now, &record.mid, record.chat_id, caller.user_id)
                    .await?;
            }
            ReportStatus::Deleted
        }
        ReportAction::Restrict => {
            let restriction = decision.restriction.ok_or_else(|| {
                Error::bad_request("Say how the author is restricted (mode, reason, days)")
            })?;
            restrictions::restrict_on(
                &mut *tx,
                school.clock(),
                now,
                caller,
                record.author_id,
                restriction,
            )
            .await?;
            ReportStatus::Restricted
        }
        ReportAction::Dismiss => ReportStatus::Dismissed,
    };
    let closed = tx
        .close_reports(&record.mid, status.as_str(), caller.user_id, now)
        .await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "report.resolved",
        &format!("chat:{}", record.chat_id),
        serde_json::json!({
            "report": id,
            "message": record.mid,
            "reason": record.reason,
            "outcome": status.as_str(),
            "reports_closed": closed,
        }),
    )
    .await?;
    let handled = tx
        .report(id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Report {id} not found")))?;
    school.commit(tx).await?;
    report_of(handled, Vec::new())
}

/// The chats `user_id` administers.
async fn administered(tx: &mut dyn Tx, user_id: i64) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    for chat_id in tx.member_chat_ids(user_id).await? {
        if let Some((admin, owner)) = tx.admin_flags(chat_id, user_id).await?
            && (admin || owner)
        {
            out.push(chat_id);
        }
    }
    Ok(out)
}

/// Up to two messages before the reported one, it, and up to two after (within a day),
/// oldest first. A deleted message leaves only its neighbours.
async fn context(tx: &mut dyn Tx, report: &ReportRecord) -> Result<Vec<parta_model::max::Message>> {
    const DAY_MS: i64 = 86_400_000;
    let at = report.created_at.min(
        tx.message(&report.mid)
            .await?
            .map_or(report.created_at, |m| m.created_at),
    );
    let mut before = tx.history(report.chat_id, at, i64::MIN, 3).await?;
    before.reverse();
    let after = tx
        .history(report.chat_id, at.saturating_add(DAY_MS), at + 1, 50)
        .await?;
    let mut around: Vec<_> = before.into_iter().collect();
    around.extend(after.into_iter().rev().take(2));
    Ok(around.into_iter().map(messages::message_of).collect())
}

fn report_of(r: ReportRecord, context: Vec<parta_model::max::Message>) -> Result<Report> {
    let reason = ReportReason::from_name(&r.reason)
        .ok_or_else(|| Error::Internal(format!("report {} has reason '{}'", r.id, r.reason)))?;
    let status = ReportStatus::from_name(&r.status)
        .ok_or_else(|| Error::Internal(format!("report {} has status '{}'", r.id, r.status)))?;
    let handled_by = match (r.handled_by, &r.handler_first) {
        (Some(user_id), Some(first)) => Some(Person {
            user_id,
            name: person_name(first, r.handler_last.as_deref()),
        }),
        _ => None,
    };
    Ok(Report {
        id: r.id,
        chat_id: r.chat_id,
        chat_title: r.chat_title,
        message_id: r.mid,
        text: r.text,
        author: Person {
            user_id: r.author_id,
            name: person_name(&r.author_first, r.author_last.as_deref()),
        },
        reporter: Person {
            user_id: r.reporter_id,
            name: person_name(&r.reporter_first, r.reporter_last.as_deref()),
        },
        reason,
        note: r.note,
        created_at: r.created_at,
        status,
        handled_by,
        handled_at: r.handled_at,
        context,
    })
}
