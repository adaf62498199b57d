//! Data to start from: the demo site of the product tour, and large synthetic sites for
//! benchmarks.

mod demo;
mod generate;

pub use demo::{DemoEmployee, DemoLogin, DemoStation, DemoSummary, seed_demo};
pub use generate::{GenerateSummary, generate};
