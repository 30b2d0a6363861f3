//! Interface state, actions, keymap and the `update` step (no IO).
