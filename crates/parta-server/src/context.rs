//! What every domain call is given: who is asking ([`Caller`]).

use parta_model::school::Role;

/// The caller of a request, once its token checked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub user_id: i64,
    pub device_id: i64,
    pub role: Role,
}
