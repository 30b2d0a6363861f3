//! One whole-screen snapshot per view at 80x24 (and the details and help
//! overlays), beside the targeted render tests: a change anywhere on the
//! screen shows up in review as a readable diff of the screen.
//!
//! The snapshots live in tests/snapshots/ and are plain text; the tests
//! compare against them with no extra tool (`cargo insta review` only helps
//! to accept a deliberate change). Nothing on screen is volatile: the
//! fixture, the date and the file name are fixed.

mod common;

use common::*;

fn snap(keys_pressed: &str) -> String {
    let mut a = app();
    keys(&mut a, keys_pressed);
    screen(&render(&mut a, 80, 24))
}

#[test]
fn projects_80x24() {
    insta::assert_snapshot!("projects_80x24", snap("1"));
}

#[test]
fn goals_80x24() {
    insta::assert_snapshot!("goals_80x24", snap("2"));
}

#[test]
fn chains_80x24() {
    insta::assert_snapshot!("chains_80x24", snap("3"));
}

#[test]
fn project_details_80x24() {
    insta::assert_snapshot!("project_details_80x24", snap("1 <enter>"));
}

#[test]
fn help_80x24() {
    insta::assert_snapshot!("help_80x24", snap("?"));
}
