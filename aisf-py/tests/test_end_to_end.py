"""The demo organisation end to end: demo -> open -> access / who /
explain -> scan -> ingest -> diff."""

from __future__ import annotations

import os

import aisf

ADMIN = "aws:policy:AdministratorAccess"


def test_demo_writes_the_snapshot_exports_and_policy(demo: aisf.Demo) -> None:
    assert os.path.isfile(demo.snapshot)
    assert os.path.isfile(os.path.join(demo.exports, "persons.csv"))
    assert os.path.isfile(demo.policy)
    assert demo.nodes > 1000 and demo.edges > demo.nodes
    assert "Demo(" in repr(demo)


def test_the_snapshot_holds_the_organisation(demo: aisf.Demo, snap: aisf.Snapshot) -> None:
    assert snap.path == demo.snapshot
    assert snap.node_count == demo.nodes
    assert snap.edge_count == demo.edges
    assert snap.counts()["person"] == 250
    assert {"ad", "aws"} <= set(snap.systems)
    assert len(snap.nodes("person")) == 250
    snap.verify()
    assert "250" not in repr(snap) or "nodes" in repr(snap)


def test_access_who_and_explain_agree(snap: aisf.Snapshot) -> None:
    who = snap.who(ADMIN)
    assert who.target.id == ADMIN
    assert who.persons and who.accounts
    assert all(p.kind == "person" for p in who.persons)
    assert all(a.kind == "account" for a in who.accounts)

    person = who.persons[0]
    access = snap.access(person.id)
    assert access.subject == person
    assert ADMIN in {e.id for e in access.entitlements}
    assert snap.access_count(person.id) == len(access.entitlements)
    # The same person by name and by id.
    if person.name is not None and len(snap.nodes("person")) == 250:
        assert snap.node(person.id).name == person.name

    why = snap.explain(person.id, ADMIN)
    assert why is not None
    assert why.path[0].node == person and why.path[0].edge is None
    assert why.path[-1].node.id == ADMIN
    assert why.via and why.via[0].edge in {"member_of", "has_role", "grant"}
    assert "->" in str(why)


def test_explain_is_none_without_access(snap: aisf.Snapshot) -> None:
    holders = {p.id for p in snap.who(ADMIN).persons}
    outsider = next(p for p in snap.nodes("person") if p.id not in holders)
    assert snap.explain(outsider.id, ADMIN) is None


def test_scan_ranks_findings_with_every_field(demo: aisf.Demo, snap: aisf.Snapshot) -> None:
    findings = snap.scan(demo.policy)
    assert len(findings) > 5
    risks = [f.risk for f in findings]
    assert risks == sorted(risks, reverse=True)
    rule_ids = {r for r, _, _ in aisf.rules()}
    for f in findings:
        assert f.rule in rule_ids
        assert f.severity in {"info", "low", "medium", "high", "critical"}
        assert 0 <= f.risk <= 100
        assert f.explanation and f.clause
        assert f.subject in {f.account, f.person, "org"}
        assert "action" in f.action
    assert any(f.person and f.account for f in findings)
    assert any(f.entitlement for f in findings)
    assert sum(findings.counts().values()) == len(findings)
    assert findings.of_rule(findings[0].rule)[0] == findings[0]

    frame = findings.to_pandas()
    assert list(frame.columns) == list(aisf.FINDING_COLUMNS)
    assert len(frame) == len(findings)
    assert frame["risk"].tolist() == risks
    table = findings.to_arrow()
    assert table.num_rows == len(findings)


def test_scan_without_a_policy_uses_the_defaults(snap: aisf.Snapshot) -> None:
    findings = snap.scan()
    assert findings.warnings == []
    assert findings.rules


def test_the_drift_shows_in_the_diff(clean: aisf.Demo, demo: aisf.Demo) -> None:
    changes = aisf.diff(clean.snapshot, aisf.open(demo.snapshot), policy=demo.policy)
    assert not changes.is_empty()
    assert changes.added["accounts"], "drift adds orphan and leftover accounts"
    assert changes.accounts and changes.persons
    gained = [c for c in changes.persons if c.gained or c.privileged_gained]
    assert gained
    assert changes.lifecycle
    assert any(e.kind == "mover" for e in changes.lifecycle)
    assert "Diff(" in repr(changes)


def test_a_snapshot_equals_itself(snap: aisf.Snapshot) -> None:
    assert aisf.diff(snap, snap).is_empty()


def test_ingest_of_the_demo_exports_rebuilds_the_organisation(
    demo: aisf.Demo, snap: aisf.Snapshot, tmp_path: os.PathLike[str]
) -> None:
    out = os.path.join(tmp_path, "again.aisf")
    report = aisf.ingest(demo.exports, out)
    assert report.snapshot == out
    assert report.sources and all(s.format == "csv-bundle" for s in report.sources)
    assert report.nodes == snap.node_count
    assert report.correlation["persons"] == 250
    again = aisf.open(out)
    assert {p.id for p in again.who(ADMIN).persons} == {p.id for p in snap.who(ADMIN).persons}
    # A list of inputs works as well as one.
    report2 = aisf.ingest([demo.exports], os.path.join(tmp_path, "list.aisf"))
    assert report2.nodes == report.nodes
