//! One file per subcommand: each reads its arguments, runs the core and hands the results to
//! `report`.

pub mod eval;
pub mod export;
pub mod ops;
pub mod train;
