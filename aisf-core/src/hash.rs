//! A fast string hasher for the id maps that ingest and the builder fill
//! with millions of keys.
//!
//! The standard library's SipHash spends most of its time on set-up for
//! short keys such as account ids. [`IdHasher`] hashes each written slice
//! in one call of XXH3, seeded per map from the standard library's random
//! keys, so crafted ids cannot be aimed at one bucket across runs.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Builds [`IdHasher`]s with a seed drawn once per map.
#[derive(Clone, Copy, Debug)]
pub struct IdHashBuilder {
    seed: u64,
}

impl Default for IdHashBuilder {
    fn default() -> IdHashBuilder {
        IdHashBuilder { seed: RandomState::new().hash_one(0x6169_7366_u64) }
    }
}

impl BuildHasher for IdHashBuilder {
    type Hasher = IdHasher;

    fn build_hasher(&self) -> IdHasher {
        IdHasher { seed: self.seed, state: 0 }
    }
}

/// One XXH3 call per written slice, folded into the running state.
#[derive(Clone, Copy, Debug)]
pub struct IdHasher {
    seed: u64,
    state: u64,
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let h = xxh3_64_with_seed(bytes, self.seed ^ self.state);
        self.state = self.state.rotate_left(29) ^ h;
    }

    fn write_u8(&mut self, b: u8) {
        // `str` ends every key with 0xff: fold it in without a full hash.
        self.state = (self.state ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_u64(&mut self, v: u64) {
        self.write(&v.to_le_bytes());
    }

    fn finish(&self) -> u64 {
        self.state
    }
}

/// A map keyed by ids, hashed with [`IdHasher`].
pub type IdMap<K, V> = HashMap<K, V, IdHashBuilder>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_hash_equal_and_lookups_work() {
        let mut m: IdMap<String, usize> = IdMap::default();
        for i in 0..10_000 {
            m.insert(format!("user-{i}"), i);
        }
        for i in 0..10_000 {
            assert_eq!(m.get(format!("user-{i}").as_str()), Some(&i));
        }
        assert_eq!(m.get("user-10000"), None);
        let b = IdHashBuilder::default();
        assert_eq!(b.hash_one("abc"), b.hash_one(String::from("abc")));
        assert_ne!(b.hash_one("abc"), b.hash_one("abd"));
    }
}
