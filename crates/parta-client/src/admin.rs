//! The school's administration through `/school/*`: invites, join requests, classes, people,
//! restrictions, the structure bootstrap and the audit log. One request type
//! ([`AdminRequest`]) so the app's Администрирование section, the CLI and tests share one
//! mapping onto the server's routes; the server enforces who may do what.

use parta_model::school::{
    AdminReply, AdminRequest, AuditPage, ClassList, CreatedInvite, InviteList, NewReport,
    PeopleList, Profile, Rejection, Report, ReportList, RequestList, Restriction, Role, RoleChange,
    ScheduledList, StructureReport, Success,
};
use reqwest::Method;

use crate::api::ApiClient;
use crate::error::Result;

impl ApiClient {
    /// `POST /school/scheduled`: a message the server sends at `send_at` (Unix ms).
    pub async fn schedule(
        &self,
        chat_id: i64,
        body: &parta_model::max::NewMessageBody,
        send_at: i64,
    ) -> Result<parta_model::school::Scheduled> {
        let request = self
            .request(Method::POST, "/school/scheduled", self.timeout)
            .query(&[("chat_id", chat_id), ("send_at", send_at)])
            .json(body);
        self.send(request).await
    }

    /// `GET /school/scheduled`: one's scheduled messages, pending first.
    pub async fn scheduled(&self) -> Result<Vec<parta_model::school::Scheduled>> {
        let list: ScheduledList = self
            .send(self.request(Method::GET, "/school/scheduled", self.timeout))
            .await?;
        Ok(list.scheduled)
    }

    /// `DELETE /school/scheduled/{id}`: cancels a pending one.
    pub async fn cancel_scheduled(&self, id: i64) -> Result<parta_model::school::Scheduled> {
        let path = format!("/school/scheduled/{id}");
        self.send(self.request(Method::DELETE, &path, self.timeout))
            .await
    }

    /// The role of person `user_id` at the school (`GET /school/people/{id}`; one's own is
    /// always visible).
    pub async fn role_of(&self, user_id: i64) -> Result<Role> {
        let path = format!("/school/people/{user_id}");
        let profile: Profile = self
            .send(self.request(Method::GET, &path, self.timeout))
            .await?;
        Ok(profile.role)
    }

    /// `GET /school/me/failed-sign-ins`: wrong passwords given for this person's login in the
    /// last 30 days, newest first.
    pub async fn failed_sign_ins(&self) -> Result<Vec<parta_model::school::FailedSignIn>> {
        let request = self.request(Method::GET, "/school/me/failed-sign-ins", self.timeout);
        let list: parta_model::school::FailedSignIns = self.send(request).await?;
        Ok(list.failures)
    }

    /// `GET /school/chats/{id}/quiet`: the chat's members in their quiet hours now.
    pub async fn quiet_in_chat(
        &self,
        chat_id: i64,
    ) -> Result<Vec<parta_model::school::QuietMember>> {
        let path = format!("/school/chats/{chat_id}/quiet");
        let list: parta_model::school::QuietMembers = self
            .send(self.request(Method::GET, &path, self.timeout))
            .await?;
        Ok(list.quiet)
    }

    /// `GET /school/me/quiet-hours` (staff).
    pub async fn quiet_hours(&self) -> Result<Option<parta_model::school::QuietHours>> {
        let request = self.request(Method::GET, "/school/me/quiet-hours", self.timeout);
        let setting: parta_model::school::QuietHoursSetting = self.send(request).await?;
        Ok(setting.quiet_hours)
    }

    /// `PUT` or `DELETE /school/me/quiet-hours` (staff).
    pub async fn set_quiet_hours(
        &self,
        hours: Option<&parta_model::school::QuietHours>,
    ) -> Result<()> {
        let path = "/school/me/quiet-hours";
        let request = match hours {
            Some(hours) => self.request(Method::PUT, path, self.timeout).json(hours),
            None => self.request(Method::DELETE, path, self.timeout),
        };
        let _: Success = self.send(request).await?;
        Ok(())
    }

    /// `GET /school/devices`: this person's signed-in devices, with their last use.
    pub async fn devices(&self) -> Result<Vec<parta_model::school::Device>> {
        let request = self.request(Method::GET, "/school/devices", self.timeout);
        let list: parta_model::school::DeviceList = self.send(request).await?;
        Ok(list.devices)
    }

    /// `DELETE /school/devices/{id}`: signs one of this person's devices out.
    pub async fn revoke_device(&self, device_id: i64) -> Result<()> {
        let path = format!("/school/devices/{device_id}");
        let _: Success = self
            .send(self.request(Method::DELETE, &path, self.timeout))
            .await?;
        Ok(())
    }

    /// `POST /school/reports`: reports a message of one's chat.
    pub async fn report_message(&self, report: &NewReport) -> Result<Report> {
        let request = self
            .request(Method::POST, "/school/reports", self.timeout)
            .json(report);
        self.send(request).await
    }

    /// `GET /school/me/reports`: one's own reports, newest first.
    pub async fn my_reports(&self) -> Result<Vec<Report>> {
        let list: ReportList = self
            .send(self.request(Method::GET, "/school/me/reports", self.timeout))
            .await?;
        Ok(list.reports)
    }

    /// `PUT /school/me/password`.
    pub async fn change_password(
        &self,
        change: &parta_model::school::PasswordChange,
    ) -> Result<()> {
        let request = self
            .request(Method::PUT, "/school/me/password", self.timeout)
            .json(change);
        let _: Success = self.send(request).await?;
        Ok(())
    }

    /// Carries out one administrative request.
    pub async fn admin(&self, request: &AdminRequest) -> Result<AdminReply> {
        let t = self.timeout;
        Ok(match request {
            AdminRequest::Invites => {
                let list: InviteList = self
                    .send(self.request(Method::GET, "/school/invites", t))
                    .await?;
                AdminReply::Invites(list.invites)
            }
            AdminRequest::CreateInvite { invite } => {
                let created: CreatedInvite = self
                    .send(
                        self.request(Method::POST, "/school/invites", t)
                            .json(invite),
                    )
                    .await?;
                AdminReply::Created(created)
            }
            AdminRequest::RevokeInvite { invite_id } => {
                let path = format!("/school/invites/{invite_id}");
                AdminReply::Invite(self.send(self.request(Method::DELETE, &path, t)).await?)
            }
            AdminRequest::JoinRequests { pending_only } => {
                let request = self
                    .request(Method::GET, "/school/join-requests", t)
                    .query(&[("status", if *pending_only { "pending" } else { "all" })]);
                let list: RequestList = self.send(request).await?;
                AdminReply::JoinRequests(list.requests)
            }
            AdminRequest::Approve { request_id } => {
                let path = format!("/school/join-requests/{request_id}/approve");
                AdminReply::JoinRequest(self.send(self.request(Method::POST, &path, t)).await?)
            }
            AdminRequest::Reject { request_id, reason } => {
                let path = format!("/school/join-requests/{request_id}/reject");
                let request = self.request(Method::POST, &path, t).json(&Rejection {
                    reason: reason.clone(),
                });
                AdminReply::JoinRequest(self.send(request).await?)
            }
            AdminRequest::CreateLesson { lesson } => {
                let request = self
                    .request(Method::POST, "/school/lessons", t)
                    .json(lesson);
                AdminReply::Lesson(self.send(request).await?)
            }
            AdminRequest::UpdateLesson { lesson_id, patch } => {
                let path = format!("/school/lessons/{lesson_id}");
                let request = self.request(Method::PATCH, &path, t).json(patch);
                AdminReply::Lesson(self.send(request).await?)
            }
            AdminRequest::CancelLesson { lesson_id } => {
                let path = format!("/school/lessons/{lesson_id}");
                AdminReply::Lesson(self.send(self.request(Method::DELETE, &path, t)).await?)
            }
            AdminRequest::ClassParents { class_id } => {
                let path = format!("/school/classes/{class_id}/parents");
                let list: parta_model::lessons::ParticipantList =
                    self.send(self.request(Method::GET, &path, t)).await?;
                AdminReply::Participants(list.participants)
            }
            AdminRequest::MaxLinks => AdminReply::MaxLinks(
                self.send(self.request(Method::GET, "/school/max/links", t))
                    .await?,
            ),
            AdminRequest::LinkMaxChat { link } => {
                let request = self
                    .request(Method::POST, "/school/max/links", t)
                    .json(link);
                AdminReply::MaxLink(self.send(request).await?)
            }
            AdminRequest::UnlinkMaxChat { chat_id } => {
                let path = format!("/school/max/links/{chat_id}");
                let _: Success = self.send(self.request(Method::DELETE, &path, t)).await?;
                AdminReply::Done
            }
            AdminRequest::Chats => {
                let list: parta_model::school::SchoolChatList = self
                    .send(self.request(Method::GET, "/school/chats", t))
                    .await?;
                AdminReply::Chats(list.chats)
            }
            AdminRequest::Reports { open_only } => {
                let request = self
                    .request(Method::GET, "/school/reports", t)
                    .query(&[("status", if *open_only { "open" } else { "all" })]);
                let list: ReportList = self.send(request).await?;
                AdminReply::Reports(list.reports)
            }
            AdminRequest::ResolveReport {
                report_id,
                decision,
            } => {
                let path = format!("/school/reports/{report_id}/resolve");
                let request = self.request(Method::POST, &path, t).json(decision);
                AdminReply::Report(self.send(request).await?)
            }
            AdminRequest::MaxFlags { chat_id } => {
                let request = self
                    .request(Method::GET, "/school/max/flags", t)
                    .query(&[("chat_id", chat_id)]);
                let list: parta_model::school::MaxFlagList = self.send(request).await?;
                AdminReply::MaxFlags(list.flags)
            }
            AdminRequest::ImportTimetable { import } => {
                let request = self
                    .request(Method::POST, "/school/timetable/import", t)
                    .json(import);
                AdminReply::Timetable(self.send(request).await?)
            }
            AdminRequest::Classes => {
                let list: ClassList = self
                    .send(self.request(Method::GET, "/school/classes", t))
                    .await?;
                AdminReply::Classes(list.classes)
            }
            AdminRequest::CreateClass { class } => {
                let request = self.request(Method::POST, "/school/classes", t).json(class);
                AdminReply::Class(self.send(request).await?)
            }
            AdminRequest::AssignTeacher {
                class_id,
                assignment,
            } => {
                let path = format!("/school/classes/{class_id}/teachers");
                let request = self.request(Method::POST, &path, t).json(assignment);
                AdminReply::Class(self.send(request).await?)
            }
            AdminRequest::People => {
                let list: PeopleList = self
                    .send(self.request(Method::GET, "/school/people", t))
                    .await?;
                AdminReply::People(list.people)
            }
            AdminRequest::MoveChild { user_id, movement } => {
                let path = format!("/school/users/{user_id}/move");
                let _: Success = self
                    .send(self.request(Method::POST, &path, t).json(movement))
                    .await?;
                AdminReply::Done
            }
            AdminRequest::IssuePasswordReset { user_id } => {
                let path = format!("/school/users/{user_id}/password-reset");
                AdminReply::PasswordReset(self.send(self.request(Method::POST, &path, t)).await?)
            }
            AdminRequest::RemovePerson { user_id } => {
                let path = format!("/school/users/{user_id}");
                let _: Success = self.send(self.request(Method::DELETE, &path, t)).await?;
                AdminReply::Done
            }
            AdminRequest::ChangeRole { user_id, role } => {
                let path = format!("/school/users/{user_id}/role");
                let body = RoleChange { role: *role };
                let _: Success = self
                    .send(self.request(Method::PUT, &path, t).json(&body))
                    .await?;
                AdminReply::Done
            }
            AdminRequest::Restrict {
                user_id,
                restriction,
            } => {
                let path = format!("/school/users/{user_id}/restriction");
                let request = self.request(Method::POST, &path, t).json(restriction);
                let restriction: Restriction = self.send(request).await?;
                AdminReply::Restriction(restriction)
            }
            AdminRequest::LiftRestriction { user_id } => {
                let path = format!("/school/users/{user_id}/restriction");
                let _: Success = self.send(self.request(Method::DELETE, &path, t)).await?;
                AdminReply::Done
            }
            AdminRequest::Bootstrap => {
                let report: StructureReport = self
                    .send(self.request(Method::POST, "/school/structure", t))
                    .await?;
                AdminReply::Structure(report)
            }
            AdminRequest::Audit { before, filter } => {
                let mut request = self
                    .request(Method::GET, "/school/audit", t)
                    .query(&[("count", 100)]);
                for (name, value) in [
                    ("marker", *before),
                    ("actor", filter.actor),
                    ("from", filter.from),
                    ("to", filter.to),
                ] {
                    if let Some(value) = value {
                        request = request.query(&[(name, value)]);
                    }
                }
                if let Some(kind) = &filter.kind {
                    request = request.query(&[("kind", kind)]);
                }
                let page: AuditPage = self.send(request).await?;
                AdminReply::Audit(page)
            }
        })
    }
}
