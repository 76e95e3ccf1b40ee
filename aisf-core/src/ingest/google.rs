//! Reader: google (being written).
