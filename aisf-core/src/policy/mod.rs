//! The governance policy: expected state (being written).
