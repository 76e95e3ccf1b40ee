//! Correlation of accounts to persons (being written).
