//! Reader: opengraph (being written).
