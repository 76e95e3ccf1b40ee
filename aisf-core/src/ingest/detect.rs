//! Reader: detect (being written).
