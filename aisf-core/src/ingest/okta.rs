//! Reader: okta (being written).
