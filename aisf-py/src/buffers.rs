//! Columns built in Rust and handed to Python without a copy.
//!
//! A [`Buffer`] owns a vector and exposes its address and length; the
//! Python layer wraps it with `pyarrow.foreign_buffer(address, size,
//! base=buffer)`, so the Arrow array reads the vector in place and keeps
//! the `Buffer` (and so the vector) alive as long as it needs it. No
//! buffer protocol is involved, so this works with the stable ABI of any
//! Python 3.9 or newer.

use std::ops::Range;

use aisf::NodeKind;
use aisf::graph::{NodeId, Snapshot, count_in};
use pyo3::prelude::*;
use rayon::prelude::*;

/// The data of a [`Buffer`].
enum Data {
    U32(Vec<u32>),
    I64(Vec<i64>),
    U8(Vec<u8>),
}

/// A read-only block of memory owned by Rust: a column of `uint32`
/// (`format` `"I"`), of `int64` offsets (`"q"`) or of bytes (`"B"`).
#[pyclass(frozen, module = "aisf._native")]
pub struct Buffer {
    data: Data,
}

impl Buffer {
    fn bytes(&self) -> &[u8] {
        match &self.data {
            Data::U32(v) => bytemuck::cast_slice(v),
            Data::I64(v) => bytemuck::cast_slice(v),
            Data::U8(v) => v,
        }
    }
}

#[pymethods]
impl Buffer {
    /// The address of the first byte, for `pyarrow.foreign_buffer`; valid
    /// while this object lives.
    #[getter]
    fn address(&self) -> usize {
        self.bytes().as_ptr() as usize
    }

    /// The size in bytes.
    #[getter]
    fn nbytes(&self) -> usize {
        self.bytes().len()
    }

    /// The element type, as a `struct` / `array` format character.
    #[getter]
    fn format(&self) -> &'static str {
        match self.data {
            Data::U32(_) => "I",
            Data::I64(_) => "q",
            Data::U8(_) => "B",
        }
    }

    /// The number of elements.
    fn __len__(&self) -> usize {
        match &self.data {
            Data::U32(v) => v.len(),
            Data::I64(v) => v.len(),
            Data::U8(v) => v.len(),
        }
    }

    /// A copy of the bytes, for use without pyarrow.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, pyo3::types::PyBytes> {
        pyo3::types::PyBytes::new(py, self.bytes())
    }

    fn __repr__(&self) -> String {
        format!("<aisf Buffer of {} '{}' items>", self.__len__(), self.format())
    }
}

/// Node ids of a range of nodes as an Arrow string column: `len + 1`
/// `int64` offsets into UTF-8 bytes.
fn id_column(snap: &Snapshot, range: &Range<u32>) -> (Buffer, Buffer) {
    let mut offsets = Vec::with_capacity(range.len() + 1);
    let mut text = Vec::new();
    offsets.push(0i64);
    for v in range.clone() {
        text.extend_from_slice(snap.node(NodeId(v)).id().as_bytes());
        offsets.push(text.len() as i64);
    }
    (Buffer { data: Data::I64(offsets) }, Buffer { data: Data::U8(text) })
}

/// Every (account, entitlement) pair of a snapshot, as two `uint32`
/// columns of indices into two dictionaries of node ids (the accounts and
/// the entitlements), ready to become an Arrow table of two dictionary
/// columns.
#[pyclass(frozen, module = "aisf._native")]
pub struct AccessPairs {
    /// For each pair, the account's index into `account_ids`.
    #[pyo3(get)]
    accounts: Py<Buffer>,
    /// For each pair, the entitlement's index into `entitlement_ids`.
    #[pyo3(get)]
    entitlements: Py<Buffer>,
    /// The offsets of the account ids' text.
    #[pyo3(get)]
    account_offsets: Py<Buffer>,
    /// The account ids' text.
    #[pyo3(get)]
    account_text: Py<Buffer>,
    /// The offsets of the entitlement ids' text.
    #[pyo3(get)]
    entitlement_offsets: Py<Buffer>,
    /// The entitlement ids' text.
    #[pyo3(get)]
    entitlement_text: Py<Buffer>,
    /// The node number of the first account (account index 0).
    #[pyo3(get)]
    first_account: u32,
    /// The node number of the first entitlement (entitlement index 0).
    #[pyo3(get)]
    first_entitlement: u32,
}

#[pymethods]
impl AccessPairs {
    /// The number of pairs.
    fn __len__(&self) -> usize {
        self.accounts.get().__len__()
    }

    fn __repr__(&self) -> String {
        format!("<aisf AccessPairs: {} (account, entitlement) pairs>", self.__len__())
    }
}

/// The parts of [`AccessPairs`], made without the GIL.
pub struct Pairs {
    accounts: Vec<u32>,
    entitlements: Vec<u32>,
    account_ids: (Buffer, Buffer),
    entitlement_ids: (Buffer, Buffer),
    first_account: u32,
    first_entitlement: u32,
}

/// How many accounts one parallel task fills.
const CHUNK: usize = 4096;

/// Computes every (account, entitlement) pair, in parallel: the effective
/// access of all accounts, the number of pairs of each chunk of accounts,
/// then each chunk writes its pairs into its own slice of the two columns.
pub fn pairs(snap: &Snapshot) -> Pairs {
    let all = snap.access_all();
    let accounts = snap.kind_range(&NodeKind::Account);
    let ents = snap.kind_range(&NodeKind::Entitlement);
    let ids: Vec<u32> = accounts.clone().collect();
    let count = |a: u32| all.get(NodeId(a)).map_or(0, |s| count_in(s, &ents) as usize);

    let sizes: Vec<usize> =
        ids.par_chunks(CHUNK).map(|chunk| chunk.iter().map(|&a| count(a)).sum()).collect();
    let total: usize = sizes.iter().sum();
    let mut out_accounts = vec![0u32; total];
    let mut out_ents = vec![0u32; total];

    let mut slices = Vec::with_capacity(sizes.len());
    let (mut rest_a, mut rest_e) = (&mut out_accounts[..], &mut out_ents[..]);
    for &n in &sizes {
        let (a, ra) = rest_a.split_at_mut(n);
        let (e, re) = rest_e.split_at_mut(n);
        slices.push((a, e));
        (rest_a, rest_e) = (ra, re);
    }
    slices.into_par_iter().zip(ids.par_chunks(CHUNK)).for_each(|((out_a, out_e), chunk)| {
        let mut i = 0;
        for &a in chunk {
            let Some(set) = all.get(NodeId(a)) else { continue };
            for e in set.range(ents.clone()) {
                out_a[i] = a - accounts.start;
                out_e[i] = e - ents.start;
                i += 1;
            }
        }
    });

    Pairs {
        accounts: out_accounts,
        entitlements: out_ents,
        account_ids: id_column(snap, &accounts),
        entitlement_ids: id_column(snap, &ents),
        first_account: accounts.start,
        first_entitlement: ents.start,
    }
}

impl Pairs {
    /// The Python object over these columns.
    pub fn into_py(self, py: Python<'_>) -> PyResult<AccessPairs> {
        let b = |data: Buffer| Py::new(py, data);
        Ok(AccessPairs {
            accounts: b(Buffer { data: Data::U32(self.accounts) })?,
            entitlements: b(Buffer { data: Data::U32(self.entitlements) })?,
            account_offsets: b(self.account_ids.0)?,
            account_text: b(self.account_ids.1)?,
            entitlement_offsets: b(self.entitlement_ids.0)?,
            entitlement_text: b(self.entitlement_ids.1)?,
            first_account: self.first_account,
            first_entitlement: self.first_entitlement,
        })
    }
}
