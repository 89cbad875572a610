//! The person's own account (procedure 8.2): the devices signed in as them, the password, and
//! the wrong passwords given for their login. A MAX bot profile has none of these.

use parta_model::school::{
    Device, FailedSignIn, MAX_REPORT_NOTE, NewReport, PasswordChange, QuietHours, Report,
    ReportReason,
};

use super::Session;
use crate::error::{Error, Result};
use crate::secrets::Sensitive;

impl Session {
    /// Wrong passwords given for this person's login in the last 30 days, newest first (the
    /// settings show them: someone may be guessing). `None` for a profile without a person
    /// (a MAX bot), which has no password.
    pub async fn failed_sign_ins(&self) -> Result<Option<Vec<FailedSignIn>>> {
        match self.inner.user_id {
            Some(_) => Ok(Some(self.inner.api.failed_sign_ins().await?)),
            None => Ok(None),
        }
    }

    /// The devices signed in as this person, this one marked `current`, with their last use.
    pub async fn devices(&self) -> Result<Vec<Device>> {
        self.person()?;
        self.inner.api.devices().await
    }

    /// Reports a message of one's chat to its administrators and the school's administration
    /// (procedure 6.2, 9.1), with a reason from 6.2's list or one's own words. Needs the
    /// network: a report is answered by people, and is not worth queueing unseen.
    pub async fn report_message(
        &self,
        mid: &str,
        reason: ReportReason,
        note: Option<String>,
    ) -> Result<Report> {
        let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if reason == ReportReason::Other && note.is_none() {
            return Err(Error::InvalidInput(
                "say in your own words what is wrong with the message".into(),
            ));
        }
        if note
            .as_deref()
            .is_some_and(|n| n.chars().count() > MAX_REPORT_NOTE)
        {
            return Err(Error::InvalidInput(format!(
                "a report's note has up to {MAX_REPORT_NOTE} characters"
            )));
        }
        let report = NewReport {
            message_id: mid.to_owned(),
            reason,
            note,
        };
        self.inner.api.report_message(&report).await
    }

    /// This person's reports, newest first, with what became of each.
    pub async fn my_reports(&self) -> Result<Vec<Report>> {
        self.inner.api.my_reports().await
    }

    /// Signs one of this person's other devices out (a lost phone, a school computer).
    pub async fn revoke_device(&self, device_id: i64) -> Result<()> {
        self.person()?;
        self.inner.api.revoke_device(device_id).await
    }

    /// Changes the password: the current one, the new one (the server's rules apply), and
    /// whether to sign out every other device at the same time.
    pub async fn change_password(
        &self,
        current: &Sensitive<String>,
        new: &Sensitive<String>,
        sign_out_others: bool,
    ) -> Result<()> {
        self.person()?;
        let change = PasswordChange {
            old_password: Some(current.expose().clone()),
            new_password: new.expose().clone(),
            sign_out_others,
        };
        self.inner.api.change_password(&change).await
    }

    /// One's quiet hours (staff): parents' messages then arrive without calling.
    pub async fn quiet_hours(&self) -> Result<Option<QuietHours>> {
        self.person()?;
        self.inner.api.quiet_hours().await
    }

    /// Sets one's quiet hours, or takes them away with `None`.
    pub async fn set_quiet_hours(&self, hours: Option<QuietHours>) -> Result<()> {
        self.person()?;
        self.inner.api.set_quiet_hours(hours.as_ref()).await
    }

    /// The chat's members in their quiet hours now (asked of the server; offline, or for a MAX
    /// bot, none): what a parent is told before writing in the evening.
    pub async fn quiet_in_chat(&self, chat_id: i64) -> Vec<parta_model::school::QuietMember> {
        if self.inner.user_id.is_none() {
            return Vec::new();
        }
        self.inner
            .api
            .quiet_in_chat(chat_id)
            .await
            .unwrap_or_default()
    }

    /// Fails for a profile without a person (a MAX bot: no password, no devices).
    fn person(&self) -> Result<i64> {
        self.inner.user_id.ok_or(Error::NoProfile)
    }
}
