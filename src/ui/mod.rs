//! Pure drawing of the interface state.
