//! The person's own account (procedure 8.2): the devices signed in as them, the password, and
//! the wrong passwords given for their login. A MAX bot profile has none of these.

use parta_model::school::{Device, FailedSignIn, PasswordChange, QuietHours};

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
