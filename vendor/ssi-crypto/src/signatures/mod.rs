#[cfg(feature = "bbs")]
pub mod bbs;
