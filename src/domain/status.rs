//! Project statuses and their labels.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Planned,
    Signed,
    UnderConstruction,
    Completed,
    Operating,
    Stalled,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Planned,
        Status::Signed,
        Status::UnderConstruction,
        Status::Completed,
        Status::Operating,
        Status::Stalled,
        Status::Cancelled,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Signed => "signed",
            Status::UnderConstruction => "under_construction",
            Status::Completed => "completed",
            Status::Operating => "operating",
            Status::Stalled => "stalled",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Planned => "规划中",
            Status::Signed => "已签约",
            Status::UnderConstruction => "在建",
            Status::Completed => "已建成",
            Status::Operating => "运营中",
            Status::Stalled => "停滞",
            Status::Cancelled => "已取消",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::Planned => "Planned",
            Status::Signed => "Signed",
            Status::UnderConstruction => "Under construction",
            Status::Completed => "Completed",
            Status::Operating => "Operating",
            Status::Stalled => "Stalled",
            Status::Cancelled => "Cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        let s = s.trim();
        Status::ALL
            .into_iter()
            .find(|st| st.id() == s || st.label_zh() == s || st.label_en().eq_ignore_ascii_case(s))
    }

    /// How far along the normal life of a project this status is; `None` for
    /// stalled and cancelled, which stand outside that order.
    pub fn progress_rank(self) -> Option<u8> {
        match self {
            Status::Planned => Some(0),
            Status::Signed => Some(1),
            Status::UnderConstruction => Some(2),
            Status::Completed => Some(3),
            Status::Operating => Some(4),
            Status::Stalled | Status::Cancelled => None,
        }
    }

    /// Whether a project at `self` has reached what a milestone expecting
    /// `expected` promised (operating satisfies "completed").
    pub fn has_reached(self, expected: Status) -> bool {
        if self == expected {
            return true;
        }
        match (self.progress_rank(), expected.progress_rank()) {
            (Some(a), Some(b)) => a >= b,
            _ => false,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_and_labels() {
        assert_eq!(
            Status::parse("under_construction"),
            Some(Status::UnderConstruction)
        );
        assert_eq!(Status::parse("在建"), Some(Status::UnderConstruction));
        assert_eq!(Status::parse("operating"), Some(Status::Operating));
        assert_eq!(Status::parse("Stalled"), Some(Status::Stalled));
        assert_eq!(Status::parse("done"), None);
    }

    #[test]
    fn reaching_follows_the_life_of_a_project() {
        assert!(Status::Operating.has_reached(Status::Completed));
        assert!(!Status::UnderConstruction.has_reached(Status::Completed));
        assert!(!Status::Stalled.has_reached(Status::UnderConstruction));
        assert!(Status::Stalled.has_reached(Status::Stalled));
    }
}
