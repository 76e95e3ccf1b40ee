//! Deterministic synthetic organisations (being written).
