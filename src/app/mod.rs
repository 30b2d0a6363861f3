//! Interface state, actions, keymap and the `update` step (no IO).

pub mod action;
pub mod keymap;
pub mod records;
pub mod state;
pub mod update;
pub mod views;

pub use action::{Action, Effect};
pub use keymap::{parse_keys, resolve, Key, KeyCode, KEYMAP};
pub use state::{App, Drawn, Mode, Overlay, Picker, PickerKind, Sort, View};
pub use update::{update, update_deferring};

/// Feeds one key through the keymap and `update`.
pub fn handle_key(app: &mut App, key: Key) -> Vec<Effect> {
    match resolve(app.mode(), key) {
        Some(action) => update(app, action),
        None => Vec::new(),
    }
}

/// `handle_key` for the event loop while more input is waiting (see
/// `update_deferring`).
pub fn handle_key_deferring(app: &mut App, key: Key) -> Vec<Effect> {
    match resolve(app.mode(), key) {
        Some(action) => update_deferring(app, action),
        None => Vec::new(),
    }
}

/// Replays a key sequence such as `"/ r h l <enter>"` (see `parse_keys`),
/// returning every effect asked for. Lets tests drive the interface
/// without a terminal.
pub fn press(app: &mut App, keys: &str) -> Result<Vec<Effect>, String> {
    let mut effects = Vec::new();
    for key in parse_keys(keys)? {
        effects.extend(handle_key(app, key));
    }
    Ok(effects)
}
