//! One statement on the unit's connection: the SQL, its `?` values as a tuple, and how many
//! rows come back. `self.scalar_opt("SELECT kind FROM chats WHERE id = ?", (chat_id,))` says
//! what `sqlx::query_scalar(…).bind(chat_id).fetch_optional(self.conn())` said in four lines,
//! and every statement of the store is written this way. Statements are written with SQLite's
//! `?` and `?N`; each backend's `dialect::placeholders` turns them into its own.

use sqlx::error::BoxDynError;
use sqlx::{Arguments, Encode, FromRow, SqlSafeStr, Type};

use super::{Db, DbArguments, DbQueryResult, DbRow, SqlTx};
use crate::store::Result;

/// The values of a statement's `?` placeholders, in order: `()` or a tuple.
pub(super) trait Params<'q> {
    /// Encodes the values; an encoding error surfaces when the statement runs.
    fn into_args(self) -> std::result::Result<DbArguments, BoxDynError>;
}

macro_rules! tuple_params {
    ($($name:ident),*) => {
        impl<'q, $($name),*> Params<'q> for ($($name,)*)
        where
            $($name: Encode<'q, Db> + Type<Db> + 'q,)*
        {
            #[allow(non_snake_case, unused_mut)]
            fn into_args(self) -> std::result::Result<DbArguments, BoxDynError> {
                let ($($name,)*) = self;
                let mut args = DbArguments::default();
                $(args.add($name)?;)*
                Ok(args)
            }
        }
    };
}

tuple_params!();
tuple_params!(A);
tuple_params!(A, B);
tuple_params!(A, B, C);
tuple_params!(A, B, C, D);
tuple_params!(A, B, C, D, E);
tuple_params!(A, B, C, D, E, F);
tuple_params!(A, B, C, D, E, F, G);
tuple_params!(A, B, C, D, E, F, G, H);
tuple_params!(A, B, C, D, E, F, G, H, I);
tuple_params!(A, B, C, D, E, F, G, H, I, J);
tuple_params!(A, B, C, D, E, F, G, H, I, J, K);
tuple_params!(A, B, C, D, E, F, G, H, I, J, K, L);

/// Encodes `params`; a value that cannot be encoded is the statement's error.
fn args<'q>(params: impl Params<'q>) -> Result<DbArguments> {
    Ok(params.into_args().map_err(sqlx::Error::Encode)?)
}

/// One helper per way of reading a statement's answer: the name, the sqlx constructor, what
/// it fetches and what it returns.
macro_rules! fetcher {
    ($(#[$doc:meta])* $name:ident, rows, $fetch:ident -> $out:ty) => {
        $(#[$doc])*
        pub(super) async fn $name<'q>(&mut self, sql: impl SqlSafeStr, params: impl Params<'q>) -> Result<$out> {
            let args = args(params)?;
            Ok(sqlx::query_with(super::dialect::placeholders(sql), args).$fetch(self.conn()).await?)
        }
    };
    ($(#[$doc:meta])* $name:ident, $query:ident, $fetch:ident -> $out:ty, $($bound:tt)*) => {
        $(#[$doc])*
        pub(super) async fn $name<'q, T>(&mut self, sql: impl SqlSafeStr, params: impl Params<'q>) -> Result<$out>
        where
            $($bound)*
        {
            let args = args(params)?;
            Ok(sqlx::$query(super::dialect::placeholders(sql), args).$fetch(self.conn()).await?)
        }
    };
}

impl SqlTx {
    /// Runs a statement that returns no rows, when nothing about its effect matters.
    pub(super) async fn run<'q>(
        &mut self,
        sql: impl SqlSafeStr,
        params: impl Params<'q>,
    ) -> Result<()> {
        self.execute(sql, params).await.map(|_| ())
    }

    fetcher!(
        /// Runs a statement that returns no rows.
        execute, rows, execute -> DbQueryResult
    );
    fetcher!(
        /// Every row.
        row_all, rows, fetch_all -> Vec<DbRow>
    );
    fetcher!(
        /// The first row, if there is one.
        row_opt, rows, fetch_optional -> Option<DbRow>
    );
    fetcher!(
        /// The first column of every row.
        scalar_all, query_scalar_with, fetch_all -> Vec<T>,
        (T,): for<'r> FromRow<'r, DbRow>, T: Send + Unpin
    );
    fetcher!(
        /// The first column of the first row, if there is one.
        scalar_opt, query_scalar_with, fetch_optional -> Option<T>,
        (T,): for<'r> FromRow<'r, DbRow>, T: Send + Unpin
    );
    fetcher!(
        /// The first column of the first row; no row is an error.
        scalar_one, query_scalar_with, fetch_one -> T,
        (T,): for<'r> FromRow<'r, DbRow>, T: Send + Unpin
    );
    fetcher!(
        /// Every row as `T` (a tuple of the columns).
        as_all, query_as_with, fetch_all -> Vec<T>,
        T: for<'r> FromRow<'r, DbRow> + Send + Unpin
    );
    fetcher!(
        /// The first row as `T`, if there is one.
        as_opt, query_as_with, fetch_optional -> Option<T>,
        T: for<'r> FromRow<'r, DbRow> + Send + Unpin
    );
}
