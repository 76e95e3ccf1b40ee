//! Reader: entra (being written).
