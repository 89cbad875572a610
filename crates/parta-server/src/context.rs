//! What every domain call is given: the school it acts on ([`School`]) and who is asking
//! ([`Caller`]).
//!
//! A domain function takes `&School` instead of a store, a clock, the update hub and the policy
//! one by one. Its writes end in [`School::commit`], which makes them durable and then wakes the
//! long polls for whatever the transaction appended to the update log: the domain publishes,
//! never the HTTP layer.

use std::sync::Arc;

use parta_model::school::Role;

use crate::clock::Clock;
use crate::error::Result;
use crate::store::{Store, Tx};
use crate::updates::hub::UpdateHub;

/// The caller of a request, once its token checked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub user_id: i64,
    pub device_id: i64,
    pub role: Role,
}

/// One school's server-side context: its database, its time, its update hub and its policy.
/// Cheap to clone (every part is shared).
#[derive(Clone)]
pub struct School {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    hub: UpdateHub,
    policy: Arc<parta_policy::Policy>,
}

impl School {
    /// A context over these parts.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        hub: UpdateHub,
        policy: Arc<parta_policy::Policy>,
    ) -> Self {
        Self {
            store,
            clock,
            hub,
            policy,
        }
    }

    /// A context for a tool working on a school's database beside (or without) its server: the
    /// hub starts at the newest update and wakes nobody else's polls, the policy is the default.
    pub async fn standalone(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Result<Self> {
        let hub = UpdateHub::load(store.as_ref()).await?;
        Ok(Self::new(
            store,
            clock,
            hub,
            Arc::new(parta_policy::Policy::default()),
        ))
    }

    /// The database.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The clock every rule reads time from.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// Now, in Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The update hub (long polls and markers).
    pub fn hub(&self) -> &UpdateHub {
        &self.hub
    }

    /// The school's policy: what messages may say, which files are accepted.
    pub fn policy(&self) -> &parta_policy::Policy {
        &self.policy
    }

    /// A unit of work whose statements take effect at once.
    pub async fn read(&self) -> Result<Box<dyn Tx>> {
        Ok(self.store.read().await?)
    }

    /// A transaction; end it with [`School::commit`].
    pub async fn begin(&self) -> Result<Box<dyn Tx>> {
        Ok(self.store.begin().await?)
    }

    /// Commits `tx` and wakes the long polls waiting for the updates it appended.
    pub async fn commit(&self, tx: Box<dyn Tx>) -> Result<()> {
        let committed = tx.commit().await?;
        if let Some(id) = committed.newest_update {
            self.hub.published(id);
        }
        Ok(())
    }
}
