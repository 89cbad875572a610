//! parta-policy against its labelled corpora: precision and recall printed and asserted.

// A failing helper in a test should panic with its error: that is the test failing.
#![allow(clippy::unwrap_used)]

mod cli;
mod corpus;
mod holdout;
mod properties;
