//! Reader: csv_bundle (being written).
