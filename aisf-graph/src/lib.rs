//! The AISF engine: snapshot files and the queries that run on them.
#![deny(missing_docs)]
