"""An identity analyst's first hour with a new organisation, in Python.

    pip install ./aisf-py pandas pyarrow
    python examples/python/analyst.py [FOLDER] [--people N]
    python examples/python/analyst.py --snapshot org.aisf --policy policy.toml

Without --snapshot it generates the demo organisation into FOLDER (default
aisf-demo-py/), with a drift-free copy of it to compare against. Then it
answers, in order: who holds tier-0 access and why, which findings matter
most, how access spreads over the systems, and what drifted.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

import aisf

TIER0 = [
    "ad:ent:domain-admin",
    "entra:role:global-administrator",
    "aws:policy:AdministratorAccess",
]


def heading(text: str) -> None:
    print(f"\n== {text}")


def tier0(snap: aisf.Snapshot) -> None:
    heading("Who holds tier-0 access, and why")
    for target in TIER0:
        try:
            who = snap.who(target)
        except aisf.NotFoundError:
            continue  # this organisation has no such object
        print(f"{target}: {len(who.persons)} persons, {len(who.accounts)} accounts")
        for person in who.persons[:3]:
            why = snap.explain(person.id, target)
            if why is not None:
                print(f"    {why}")


def findings(snap: aisf.Snapshot, policy: Optional[str]) -> None:
    heading("The findings that matter most")
    result = snap.scan(policy)
    for warning in result.warnings[:3]:
        print(f"(policy warning: {warning})")
    try:
        frame = result.to_pandas()
    except ImportError:
        for f in result[:10]:
            print(f"{f.risk:3} {f.severity:8} {f.rule:28} {f.subject}")
    else:
        by_rule = frame.groupby("rule").agg(findings=("risk", "size"), worst=("risk", "max"))
        print(by_rule.sort_values("worst", ascending=False).to_string())
        print()
        top = frame.head(10)[["risk", "severity", "rule", "person", "account"]]
        print(top.to_string(index=False))
    print(f"{len(result)} findings, {result.silenced} silenced by exceptions")


def spread(snap: aisf.Snapshot) -> None:
    heading("Effective access, per system")
    try:
        table = snap.access_all_arrow()
    except ImportError:
        print(f"{snap.total_pairs()} (account, entitlement) pairs (install pyarrow for more)")
        return
    # Count pairs per entitlement in Arrow, then add them up per system.
    system_of = {e.id: e.system or "-" for e in snap.nodes("entitlement")}
    per_system: dict[str, int] = {}
    for row in table.column("entitlement").value_counts().to_pylist():
        system = system_of[row["values"]]
        per_system[system] = per_system.get(system, 0) + row["counts"]
    for system, n in sorted(per_system.items(), key=lambda kv: -kv[1]):
        print(f"{system:12} {n:8} pairs")
    print(f"{table.num_rows} (account, entitlement) pairs in all")


def drift(before: str, after: aisf.Snapshot, policy: Optional[str]) -> None:
    heading("What drifted since the organisation was as it should be")
    changes = aisf.diff(before, after, policy=policy)
    print(f"accounts added: {', '.join(changes.added['accounts'][:5]) or '-'}")
    privileged = [c for c in changes.persons if c.privileged_gained]
    print(f"{len(changes.persons)} persons changed access, {len(privileged)} gained privilege")
    for event in changes.lifecycle[:5]:
        mark = "!" if event.attention else " "
        print(f" {mark} {event.kind:7} {event.name or event.person}: {event.note}")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="aisf-demo-py")
    parser.add_argument("--people", type=int, default=250)
    parser.add_argument("--snapshot", help="an existing snapshot instead of the demo")
    parser.add_argument("--policy", help="its policy file")
    args = parser.parse_args(argv)

    baseline = None
    if args.snapshot is None:
        demo = aisf.demo(args.folder, args.people)
        clean = aisf.demo(os.path.join(args.folder, "as-intended"), args.people, drift=False)
        args.snapshot, args.policy, baseline = demo.snapshot, demo.policy, clean.snapshot

    try:
        snap = aisf.open(args.snapshot)
    except aisf.OpenError as e:
        print(f"cannot open {e.path}: {e}", file=sys.stderr)
        return 1
    counts = snap.counts()
    print(
        f"{snap.path}: {counts['person']} persons, {counts['account']} accounts "
        f"in {len(snap.systems)} systems, {counts['entitlement']} entitlements"
    )
    tier0(snap)
    try:
        findings(snap, args.policy)
    except aisf.PolicyError as e:
        print(f"the policy is refused at {e.place}: {e}", file=sys.stderr)
        return 1
    spread(snap)
    if baseline is not None:
        drift(baseline, snap, args.policy)
    return 0


if __name__ == "__main__":
    sys.exit(main())
