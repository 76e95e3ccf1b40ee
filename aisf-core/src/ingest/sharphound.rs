//! Reader: sharphound (being written).
