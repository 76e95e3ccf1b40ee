//! Reader: aws (being written).
