//! The structural invariants that [`Snapshot::verify`] checks after the
//! checksums.

use rayon::prelude::*;

use crate::error::VerifyError;
use crate::format::{NONE, SectionKind};
use crate::manifest::ColumnType;
use crate::snapshot::Snapshot;

fn broken(section: impl Into<String>, detail: impl Into<String>) -> VerifyError {
    VerifyError::Invariant { section: section.into(), detail: detail.into() }
}

fn check(ok: bool, section: &str, detail: impl FnOnce() -> String) -> Result<(), VerifyError> {
    if ok { Ok(()) } else { Err(broken(section, detail())) }
}

/// Whether `v` is strictly increasing.
fn strictly_increasing<T: PartialOrd + Sync>(v: &[T]) -> bool {
    v.par_windows(2).all(|w| w[0] < w[1])
}

pub(crate) fn invariants(s: &Snapshot) -> Result<(), VerifyError> {
    let m = s.manifest();
    let n = m.node_count as usize;
    let strings = m.string_count as usize;

    // The string table: monotone offsets, UTF-8, sorted without repeats.
    let off = s.str_offsets();
    let bytes = s.str_bytes();
    check(off.first() == Some(&0), "string offsets", || "do not start at 0".into())?;
    check(off.par_windows(2).all(|w| w[0] <= w[1]), "string offsets", || {
        "are not monotone".into()
    })?;
    check(off.last() == Some(&(bytes.len() as u64)), "string offsets", || {
        format!("end at {:?}, the bytes are {} long", off.last(), bytes.len())
    })?;
    let text = |i: usize| bytes.get(off[i] as usize..off[i + 1] as usize).unwrap_or(&[]);
    let bad_utf8 =
        (0..strings).into_par_iter().find_any(|&i| std::str::from_utf8(text(i)).is_err());
    check(bad_utf8.is_none(), "string bytes", || format!("string {bad_utf8:?} is not UTF-8"))?;
    let unsorted = (1..strings).into_par_iter().find_any(|&i| text(i - 1) >= text(i));
    check(unsorted.is_none(), "string bytes", || format!("string {unsorted:?} is out of order"))?;

    // Node columns.
    let in_strings = |v: &[u32], none_ok: bool| {
        v.par_iter().all(|&x| (x as usize) < strings || (none_ok && x == NONE))
    };
    let ids = s.u32s(SectionKind::NodeId);
    check(in_strings(ids, false), "node ids", || "a string number is out of range".into())?;
    let names = s.u32s(SectionKind::NodeName);
    check(in_strings(names, true), "node names", || "a string number is out of range".into())?;
    let systems = m.systems.len();
    let sys = s.u32s(SectionKind::NodeSystem);
    check(sys.par_iter().all(|&x| (x as usize) < systems || x == NONE), "node systems", || {
        "a system number is out of range".into()
    })?;
    let index = s.u32s(SectionKind::IdIndex);
    check(index.par_iter().all(|&v| (v as usize) < n), "id index", || {
        "a node is out of range".into()
    })?;
    check(
        index.par_windows(2).all(|w| ids[w[0] as usize] < ids[w[1] as usize]),
        "id index",
        || "is not sorted by id, or two nodes share an id".into(),
    )?;
    let named = s.u32s(SectionKind::NameIndex);
    check(
        named.par_iter().all(|&v| (v as usize) < n && names[v as usize] != NONE),
        "name index",
        || "names a node out of range or without a name".into(),
    )?;
    let key = |v: u32| (names[v as usize], v);
    check(named.par_windows(2).all(|w| key(w[0]) < key(w[1])), "name index", || {
        "is not sorted".into()
    })?;

    // Adjacency, both groups, and the reverse as the transpose of the forward.
    use SectionKind::*;
    let kinds = m.edge_kinds.len();
    for (access, sections) in [
        (true, [AccFwdOff, AccFwdTgt, AccFwdKind, AccRevOff, AccRevTgt, AccRevKind]),
        (false, [OthFwdOff, OthFwdTgt, OthFwdKind, OthRevOff, OthRevTgt, OthRevKind]),
    ] {
        let mut sums = [0u64; 2];
        for (d, trio) in sections.chunks(3).enumerate() {
            let (off, tgt, kind) = (s.u32s(trio[0]), s.u32s(trio[1]), s.u16s(trio[2]));
            let name = trio[0].name();
            check(off.first() == Some(&0), name, || "do not start at 0".into())?;
            check(off.par_windows(2).all(|w| w[0] <= w[1]), name, || "are not monotone".into())?;
            check(off.last().map(|&l| l as usize) == Some(tgt.len()), name, || {
                format!("end at {:?}, there are {} edges", off.last(), tgt.len())
            })?;
            check(tgt.par_iter().all(|&t| (t as usize) < n), trio[1].name(), || {
                "an edge end is out of range".into()
            })?;
            let wrong_kind = kind.par_iter().find_any(|&&k| {
                m.edge_kinds.get(k as usize).map(|info| info.access != access).unwrap_or(true)
            });
            check(wrong_kind.is_none(), trio[2].name(), || {
                format!("kind {wrong_kind:?} is unknown or in the wrong group (of {kinds})")
            })?;
            let rows_sorted = (0..n).into_par_iter().all(|v| {
                let (a, b) = (off[v] as usize, off[v + 1] as usize);
                (a + 1..b).all(|i| (kind[i - 1], tgt[i - 1]) < (kind[i], tgt[i]))
            });
            check(rows_sorted, trio[1].name(), || "a row is unsorted or repeats an edge".into())?;
            sums[d] = (0..n)
                .into_par_iter()
                .map(|v| {
                    let (a, b) = (off[v] as usize, off[v + 1] as usize);
                    (a..b).fold(0u64, |acc, i| {
                        let (src, dst) =
                            if d == 0 { (v as u32, tgt[i]) } else { (tgt[i], v as u32) };
                        acc.wrapping_add(edge_hash(src, kind[i], dst))
                    })
                })
                .reduce(|| 0, u64::wrapping_add);
        }
        check(sums[0] == sums[1], sections[3].name(), || {
            "are not the reverse of the forward edges".into()
        })?;
    }

    // Components: every access edge goes from a higher component to a lower
    // or the same one; the condensation strictly downward.
    let scc = s.u32s(SccId);
    let comps = m.components;
    check(scc.par_iter().all(|&c| c < comps), "component ids", || {
        "a component is out of range".into()
    })?;
    let (off, tgt) = (s.u32s(AccFwdOff), s.u32s(AccFwdTgt));
    let downward = (0..n).into_par_iter().all(|v| {
        let (a, b) = (off[v] as usize, off[v + 1] as usize);
        tgt[a..b].iter().all(|&w| scc[v] >= scc[w as usize])
    });
    check(downward, "component ids", || "an edge goes up the component order".into())?;
    let (coff, ctgt) = (s.u32s(CompOff), s.u32s(CompTgt));
    check(coff.par_windows(2).all(|w| w[0] <= w[1]), "condensation offsets", || {
        "are not monotone".into()
    })?;
    check(coff.last().map(|&l| l as usize) == Some(ctgt.len()), "condensation offsets", || {
        "do not end at the edge count".into()
    })?;
    let dag = (0..comps as usize).into_par_iter().all(|c| {
        let (a, b) = (coff[c] as usize, coff[c + 1] as usize);
        a <= b && b <= ctgt.len() && ctgt[a..b].iter().all(|&d| (d as usize) < c)
    });
    check(dag, "condensation targets", || "an edge does not go to a lower component".into())?;

    columns(s)?;
    bitmaps(s)
}

fn edge_hash(src: u32, kind: u16, dst: u32) -> u64 {
    let x = ((src as u64) << 32 | dst as u64) ^ ((kind as u64) << 17).rotate_left(29);
    let x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn columns(s: &Snapshot) -> Result<(), VerifyError> {
    let m = s.manifest();
    let strings = m.string_count as usize;
    for (i, col) in m.columns.iter().enumerate() {
        let name = format!("property column #{i} ({:?})", col.key);
        let owners_max =
            if col.edges { m.access_edges + m.other_edges } else { m.node_count as u64 };
        let Some((owners, values, sv, so, ivalues, isv)) = s.column_spans(i) else { continue };
        check(strictly_increasing(owners), &name, || "owners are not strictly increasing".into())?;
        check(owners.last().is_none_or(|&o| (o as u64) < owners_max), &name, || {
            "an owner is out of range".into()
        })?;
        match ColumnType::from_u8(col.ty) {
            Some(ColumnType::Int | ColumnType::Time) => {
                check(isv.par_windows(2).all(|w| w[0] <= w[1]), &name, || {
                    "sorted values are not sorted".into()
                })?;
                check(so.par_iter().all(|&o| (o as u64) < owners_max), &name, || {
                    "a sorted owner is out of range".into()
                })?;
                let sum_a: i64 = ivalues
                    .par_iter()
                    .fold(|| 0i64, |a, &v| a.wrapping_add(v))
                    .reduce(|| 0, i64::wrapping_add);
                let sum_b: i64 = isv
                    .par_iter()
                    .fold(|| 0i64, |a, &v| a.wrapping_add(v))
                    .reduce(|| 0, i64::wrapping_add);
                check(sum_a == sum_b, &name, || "sorted values are not the values".into())?;
            }
            Some(ColumnType::Str) => {
                check(values.par_iter().all(|&v| (v as usize) < strings), &name, || {
                    "a string number is out of range".into()
                })?;
                check(sv.par_windows(2).all(|w| w[0] <= w[1]), &name, || {
                    "sorted values are not sorted".into()
                })?;
                check(so.par_iter().all(|&o| (o as u64) < owners_max), &name, || {
                    "a sorted owner is out of range".into()
                })?;
            }
            Some(ColumnType::StrList) => {
                check(values.first() == Some(&0), &name, || {
                    "list offsets do not start at 0".into()
                })?;
                check(values.par_windows(2).all(|w| w[0] <= w[1]), &name, || {
                    "list offsets are not monotone".into()
                })?;
                let items = s.column_items(i);
                check(values.last().map(|&l| l as usize) == Some(items.len()), &name, || {
                    "list offsets do not end at the item count".into()
                })?;
                check(items.par_iter().all(|&v| (v as usize) < strings), &name, || {
                    "a string number is out of range".into()
                })?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn bitmaps(s: &Snapshot) -> Result<(), VerifyError> {
    let m = s.manifest();
    let n = m.node_count as u64;
    let edges = m.access_edges + m.other_edges;
    let mut limits = vec![n; m.bitmaps.len()];
    for col in &m.columns {
        for b in [col.true_bitmap, col.has_bitmap] {
            if let Some(l) = limits.get_mut(b as usize) {
                *l = if col.edges { edges } else { n };
            }
        }
    }
    (0..m.bitmaps.len()).into_par_iter().try_for_each(|i| {
        let Some(b) = s.decode_bitmap_checked(i as u32) else {
            return Err(broken("bitmaps", format!("bitmap {i} cannot be decoded")));
        };
        match b.max() {
            Some(max) if max as u64 >= limits[i] => {
                Err(broken("bitmaps", format!("bitmap {i} holds {max}, beyond {}", limits[i])))
            }
            _ => Ok(()),
        }
    })
}
