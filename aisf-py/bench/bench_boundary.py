"""What crossing into Python costs, on a generated organisation.

Times who-can-access for one entitlement (count only, and with every
holder built as a Python object) and all effective access returned as an
Arrow table, and prints one line per figure. The Rust side of the same
query is `cargo bench -p aisf-ffi --bench who` (its `who_can_access/rust`)
at the same size; BENCHMARKS.md puts the two side by side.

    python aisf-py/bench/bench_boundary.py [people]   (default 100000)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time

import aisf

TARGET = "aws:policy:AdministratorAccess"


def timed(f, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        f()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        demo = aisf.demo(tmp, people=people)
        print(f"demo of {people} people: {time.perf_counter() - t:.1f} s "
              f"({demo.nodes} nodes, {demo.edges} edges)")
        snap = aisf.open(demo.snapshot)
        persons, accounts = snap.who_count(TARGET)
        print(f"{TARGET}: {persons} persons, {accounts} accounts")

        count = timed(lambda: snap.who_count(TARGET), 200)
        objects = timed(lambda: snap.who(TARGET), 50)
        print(f"who_count  median {statistics.median(count) * 1e6:9.1f} us")
        print(f"who        median {statistics.median(objects) * 1e6:9.1f} us "
              "(with a Python object per holder)")

        snap.access_all_arrow()  # first call fills the engine's caches
        runs = timed(snap.access_all_arrow, 5)
        table = snap.access_all_arrow()
        best = min(runs)
        print(f"access_all_arrow: {table.num_rows} pairs, median "
              f"{statistics.median(runs) * 1e3:.1f} ms, best {best * 1e3:.1f} ms, "
              f"{table.num_rows / best / 1e6:.1f}M pairs/s")


if __name__ == "__main__":
    main()
