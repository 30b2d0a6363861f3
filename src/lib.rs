#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
//! shibei-tracker: projects and stated goals of Qingdao's Shibei district,
//! traced to the news reports they come from.
//!
//! Layers, dependencies flowing downwards only:
//! - `domain`: records, statuses, progress maths, search (no IO, no terminal)
//! - `store`: YAML load/validate/save (files)
//! - `command`, `cli`, `report`: the non-interactive commands
//! - `app`: interface state, actions, keymap and `update` (no IO)
//! - `ui`: pure drawing of the app state
//! - `tui`: terminal setup and the event loop

pub mod app;
pub mod cli;
pub mod columns;
pub mod command;
pub mod domain;
pub mod git;
pub mod report;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;
