//! Strongly connected components, without recursion.
//!
//! Directory nesting can be arbitrarily deep (a chain of 100,000 groups is
//! a test case), so Tarjan's algorithm runs on an explicit stack.

use crate::format::NONE;

/// Tarjan's algorithm over a CSR graph. Returns the component of each node
/// and the number of components. Components are numbered in the order they
/// complete, which is a reverse topological order: an edge between two
/// components always goes from the higher number to the lower one.
///
/// Offsets and targets that are out of range are treated as absent edges,
/// so a damaged snapshot cannot make this panic.
pub fn tarjan(n: usize, off: &[u32], tgt: &[u32]) -> (Vec<u32>, u32) {
    let row = |v: usize| -> (u32, u32) {
        let a = off.get(v).copied().unwrap_or(0);
        let b = off.get(v + 1).copied().unwrap_or(a).min(tgt.len() as u32);
        (a.min(b), b)
    };
    let mut index = vec![NONE; n];
    let mut low = vec![0u32; n];
    let mut comp = vec![NONE; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut calls: Vec<(u32, u32)> = Vec::new();
    let mut counter = 0u32;
    let mut components = 0u32;

    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root as u32);
        on_stack[root] = true;
        calls.push((root as u32, row(root).0));

        while let Some(&mut (v, ref mut next)) = calls.last_mut() {
            let v = v as usize;
            let (_, end) = row(v);
            if *next < end {
                let w = tgt[*next as usize] as usize;
                *next += 1;
                if w >= n {
                    continue;
                }
                if index[w] == NONE {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w as u32);
                    on_stack[w] = true;
                    calls.push((w as u32, row(w).0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }

            // Every edge of v is done: close its component if it is a root.
            calls.pop();
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    comp[w as usize] = components;
                    if w as usize == v {
                        break;
                    }
                }
                components += 1;
            }
            if let Some(&(parent, _)) = calls.last() {
                let p = parent as usize;
                low[p] = low[p].min(low[v]);
            }
        }
    }
    (comp, components)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csr(n: usize, edges: &[(u32, u32)]) -> (Vec<u32>, Vec<u32>) {
        let mut e = edges.to_vec();
        e.sort();
        let mut off = vec![0u32; n + 1];
        for &(a, _) in &e {
            off[a as usize + 1] += 1;
        }
        for i in 0..n {
            off[i + 1] += off[i];
        }
        (off, e.into_iter().map(|p| p.1).collect())
    }

    #[test]
    fn a_cycle_is_one_component_and_order_is_reverse_topological() {
        // 0 -> 1 -> 2 -> 1, 2 -> 3
        let (off, tgt) = csr(4, &[(0, 1), (1, 2), (2, 1), (2, 3)]);
        let (comp, count) = tarjan(4, &off, &tgt);
        assert_eq!(count, 3);
        assert_eq!(comp[1], comp[2]);
        assert!(comp[0] > comp[1] && comp[1] > comp[3]);
    }

    #[test]
    fn a_chain_of_a_hundred_thousand_does_not_overflow() {
        let n = 100_000;
        let edges: Vec<(u32, u32)> = (0..n as u32 - 1).map(|i| (i, i + 1)).collect();
        let (off, tgt) = csr(n, &edges);
        let (comp, count) = tarjan(n, &off, &tgt);
        assert_eq!(count as usize, n);
        assert!(comp[0] > comp[n - 1]);
    }
}
