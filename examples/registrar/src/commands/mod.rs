//! One module per command.

pub mod batch;
pub mod demo;
pub mod issue;
pub mod publish;
pub mod resolve;
pub mod serve;
pub mod status;
pub mod verify;
