//! Reader: ldif (being written).
