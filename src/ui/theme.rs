//! Colours of statuses and progress states, in one place.

use crate::domain::{ProgressState, Status};
use ratatui::style::{Color, Modifier, Style};

pub fn status(s: Status) -> Style {
    let c = match s {
        Status::Planned => Color::Blue,
        Status::Signed => Color::Cyan,
        Status::UnderConstruction => Color::Yellow,
        Status::Completed | Status::Operating => Color::Green,
        Status::Stalled => Color::Red,
        Status::Cancelled => Color::DarkGray,
    };
    Style::new().fg(c)
}

pub fn state(s: ProgressState) -> Style {
    let c = match s {
        ProgressState::Met => Color::Green,
        ProgressState::OnTrack => Color::Cyan,
        ProgressState::AtRisk => Color::Yellow,
        ProgressState::Missed => Color::Red,
        ProgressState::Unreported => Color::Magenta,
        ProgressState::NoData => Color::DarkGray,
        ProgressState::Reported => Color::Blue,
    };
    Style::new().fg(c)
}

pub fn overdue() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn header() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn heading() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}
