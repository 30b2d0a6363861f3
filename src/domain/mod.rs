//! The domain: projects, targets, statuses, progress maths and search.
//! Nothing in here knows about terminals, files or the clock.

pub mod change;
pub mod changes;
pub mod collate;
pub mod correct;
pub mod date;
pub mod draft;
pub mod edit;
pub mod guard;
pub mod labels;
pub mod merge;
pub mod model;
pub mod number;
pub mod par;
pub mod progress;
pub mod quote;
pub mod records;
pub mod schema;
pub mod search;
pub mod status;
pub mod suggest;
pub mod summary;

pub use date::PartialDate;
pub use model::*;
pub use progress::{assess, Progress, ProgressState};
pub use status::Status;
