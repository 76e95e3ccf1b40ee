//! Reader: scim (being written).
