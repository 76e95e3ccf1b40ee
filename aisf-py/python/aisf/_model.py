"""The plain Python values aisf returns: frozen dataclasses of str, int and
lists, printable and comparable, holding no reference to the snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Optional, Sequence, Tuple

NodeTuple = Tuple[int, str, Optional[str], str, Optional[str]]


@dataclass(frozen=True)
class Node:
    """One node of a snapshot.

    ``number`` is its position in the snapshot (stable for that file only);
    ``id`` is its stable identifier, such as ``person:24`` or
    ``aws:policy:AdministratorAccess``.
    """

    number: int
    id: str
    name: Optional[str]
    kind: str
    system: Optional[str]

    @classmethod
    def _of(cls, t: NodeTuple) -> "Node":
        return cls(*t)

    @property
    def label(self) -> str:
        """The name when there is one, else the id."""
        return self.name if self.name is not None else self.id

    def __str__(self) -> str:
        return self.id if self.name is None else f"{self.name} ({self.id})"


@dataclass(frozen=True)
class Access:
    """Everything one person or account reaches."""

    subject: Node
    entitlements: list[Node]
    resources: list[Node]

    def __repr__(self) -> str:
        return (
            f"Access({self.subject.id!r}: {len(self.entitlements)} entitlements, "
            f"{len(self.resources)} resources)"
        )


@dataclass(frozen=True)
class Who:
    """Everyone who can reach one group, role, entitlement or resource."""

    target: Node
    persons: list[Node]
    accounts: list[Node]

    def __repr__(self) -> str:
        return (
            f"Who({self.target.id!r}: {len(self.persons)} persons, "
            f"{len(self.accounts)} accounts)"
        )


@dataclass(frozen=True)
class Step:
    """One step of a justification path: the node reached and the kind of
    the edge that led to it (``None`` on the first step)."""

    node: Node
    edge: Optional[str]


@dataclass(frozen=True)
class Via:
    """A direct membership, role assignment or grant an access arrives
    through."""

    holder: Node
    edge: str
    held: Node


@dataclass(frozen=True)
class Explanation:
    """Why a subject reaches a target: a shortest path, and the direct
    assignments of the subject (or of a person's accounts) it goes
    through."""

    path: list[Step]
    via: list[Via]

    def __str__(self) -> str:
        out = []
        for step in self.path:
            if step.edge is not None:
                out.append(f" -{step.edge}-> ")
            out.append(step.node.label)
        return "".join(out)


@dataclass(frozen=True)
class Finding:
    """One departure from the policy, as the scan ranks it.

    ``rule`` is the rule id (``leaver-active``, ``sod-violation``...);
    ``risk`` the score from 0 to 100 (higher is worse); ``person``,
    ``account``, ``entitlement`` and ``system`` are node ids or ``None``;
    ``path`` the justification path as ``(node id, edge kind)`` pairs;
    ``action`` the change that would close it, as a dict with an
    ``action`` key; ``factors`` what the risk score is made of.
    """

    rule: str
    severity: str
    risk: int
    person: Optional[str]
    account: Optional[str]
    entitlement: Optional[str]
    system: Optional[str]
    explanation: str
    clause: str
    first_seen: Optional[int]
    action: dict[str, Any]
    path: list[tuple[str, Optional[str]]] = field(default_factory=list)
    factors: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def _of(cls, d: Mapping[str, Any]) -> "Finding":
        return cls(
            rule=d["rule"],
            severity=d["severity"],
            risk=d["risk"],
            person=d.get("person"),
            account=d.get("account"),
            entitlement=d.get("entitlement"),
            system=d.get("system"),
            explanation=d["explanation"],
            clause=d["clause"],
            first_seen=d.get("first_seen"),
            action=dict(d["action"]),
            path=[(s["node"], s.get("edge")) for s in d.get("path", [])],
            factors=dict(d.get("factors", {})),
        )

    @property
    def subject(self) -> str:
        """The account if any, else the person, else ``org``."""
        return self.account or self.person or "org"

    def __repr__(self) -> str:
        return f"Finding({self.rule}, {self.severity}, risk {self.risk}, {self.subject})"


#: The columns of :meth:`Findings.to_pandas` and :meth:`Findings.to_arrow`.
FINDING_COLUMNS = (
    "rule",
    "severity",
    "risk",
    "person",
    "account",
    "entitlement",
    "system",
    "clause",
    "first_seen",
    "action",
    "explanation",
)


@dataclass(frozen=True)
class Findings(Sequence[Finding]):
    """The result of a scan: findings highest risk first, with the policy's
    warnings (names that match nothing, contradictions)."""

    findings: list[Finding]
    warnings: list[str]
    silenced: int
    now: int
    rules: list[str]

    def __len__(self) -> int:
        return len(self.findings)

    def __getitem__(self, i: Any) -> Any:
        return self.findings[i]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def of_rule(self, rule: str) -> list[Finding]:
        """The findings of one rule."""
        return [f for f in self.findings if f.rule == rule]

    def counts(self) -> dict[str, int]:
        """How many findings each rule that ran made."""
        out = {r: 0 for r in self.rules}
        for f in self.findings:
            out[f.rule] = out.get(f.rule, 0) + 1
        return out

    def _rows(self) -> dict[str, list[Any]]:
        cols: dict[str, list[Any]] = {c: [] for c in FINDING_COLUMNS}
        for f in self.findings:
            for c in FINDING_COLUMNS:
                v = getattr(f, c)
                cols[c].append(v.get("action") if c == "action" else v)
        return cols

    def to_pandas(self) -> Any:
        """The findings as a ``pandas.DataFrame``, one row per finding, in
        rank order (needs pandas)."""
        from ._optional import require

        pd = require("pandas", "Findings.to_pandas()")
        return pd.DataFrame(self._rows(), columns=list(FINDING_COLUMNS))

    def to_arrow(self) -> Any:
        """The findings as a ``pyarrow.Table`` (needs pyarrow)."""
        from ._optional import require

        pa = require("pyarrow", "Findings.to_arrow()")
        return pa.table(self._rows())

    def __repr__(self) -> str:
        return f"Findings({len(self.findings)} findings, {self.silenced} silenced)"


@dataclass(frozen=True)
class SourceReport:
    """What one file (or zip entry) of an ingest run gave."""

    file: str
    format: str
    records: int
    nodes: int
    edges: int
    skipped: list[tuple[str, str]]
    warnings: list[str]


@dataclass(frozen=True)
class IngestReport:
    """What :func:`aisf.ingest` read, correlated and wrote.

    ``skipped`` entries are ``(place, reason)``; ``correlation`` and
    ``build`` are the engine's reports as dicts (accounts matched,
    disputed, uncorrelated...; nodes, edges and bytes written).
    """

    snapshot: str
    sources: list[SourceReport]
    conflicts: list[dict[str, Any]]
    unresolved: list[str]
    correlation: dict[str, Any]
    build: dict[str, Any]

    @property
    def nodes(self) -> int:
        """Nodes written to the snapshot."""
        return int(self.build.get("nodes", 0))

    @property
    def edges(self) -> int:
        """Edges written to the snapshot."""
        return int(self.build.get("edges", 0))

    def __repr__(self) -> str:
        return (
            f"IngestReport({len(self.sources)} sources -> {self.snapshot}: "
            f"{self.nodes} nodes, {self.edges} edges)"
        )


def _place(p: Mapping[str, Any]) -> str:
    out = str(p.get("file", ""))
    if p.get("line") is not None:
        out += f":{p['line']}"
    if p.get("pointer") is not None:
        out += f"#{p['pointer']}"
    return out


def ingest_report(snapshot: str, raw: Mapping[str, Any]) -> IngestReport:
    """The typed report of the native ingest's dict."""
    ingest = raw["ingest"]
    sources = [
        SourceReport(
            file=s["file"],
            format=s["format"],
            records=s["records"],
            nodes=s["nodes"],
            edges=s["edges"],
            skipped=[(_place(k["place"]), k["reason"]) for k in s["skipped"]],
            warnings=list(s["warnings"]),
        )
        for s in ingest["sources"]
    ]
    return IngestReport(
        snapshot=snapshot,
        sources=sources,
        conflicts=list(ingest["conflicts"]),
        unresolved=list(ingest["unresolved"]),
        correlation=dict(raw["correlation"]),
        build=dict(raw["build"]),
    )


@dataclass(frozen=True)
class Demo:
    """The files :func:`aisf.demo` wrote."""

    snapshot: str
    exports: str
    policy: str
    nodes: int
    edges: int


@dataclass(frozen=True)
class EntitlementChange:
    """One entitlement gained or lost, and whether it is privileged."""

    id: str
    privileged: bool
    tier: Optional[int] = None


def _changes(items: Sequence[Mapping[str, Any]]) -> list[EntitlementChange]:
    return [EntitlementChange(e["id"], bool(e["privileged"]), e.get("tier")) for e in items]


@dataclass(frozen=True)
class AccessChange:
    """Access one person or account gained and lost; privileged changes
    are listed apart from the others."""

    subject: str
    name: Optional[str]
    gained: list[EntitlementChange]
    lost: list[EntitlementChange]
    privileged_gained: list[EntitlementChange]
    privileged_lost: list[EntitlementChange]

    @classmethod
    def _of(cls, d: Mapping[str, Any]) -> "AccessChange":
        return cls(
            subject=d["subject"],
            name=d.get("name"),
            gained=_changes(d["gained"]),
            lost=_changes(d["lost"]),
            privileged_gained=_changes(d["privileged_gained"]),
            privileged_lost=_changes(d["privileged_lost"]),
        )


@dataclass(frozen=True)
class LifecycleEvent:
    """A joiner, mover or leaver between two snapshots, and whether their
    access needs attention (a leaver still enabled, a mover keeping the old
    department's access...)."""

    kind: str
    person: str
    name: Optional[str]
    attention: bool
    note: str
    gained: list[EntitlementChange]
    lost: list[EntitlementChange]
    residual: list[EntitlementChange]
    enabled_accounts: list[str]
    before: Optional[dict[str, Any]]
    after: Optional[dict[str, Any]]

    @classmethod
    def _of(cls, d: Mapping[str, Any]) -> "LifecycleEvent":
        return cls(
            kind=d["kind"],
            person=d["person"],
            name=d.get("name"),
            attention=bool(d["attention"]),
            note=d["note"],
            gained=_changes(d["gained"]),
            lost=_changes(d["lost"]),
            residual=_changes(d["residual"]),
            enabled_accounts=list(d["enabled_accounts"]),
            before=d.get("before"),
            after=d.get("after"),
        )


@dataclass(frozen=True)
class Diff:
    """What changed between two snapshots of one organisation.

    ``added`` and ``removed`` map a node kind (``persons``, ``accounts``,
    ``groups``, ``roles``, ``entitlements``) to the ids that appeared or
    went; ``persons`` and ``accounts`` hold the access changes, privileged
    first; ``lifecycle`` the joiners, movers and leavers. ``edges`` and
    ``properties`` are the engine's lists as dicts.
    """

    added: dict[str, list[str]]
    removed: dict[str, list[str]]
    persons: list[AccessChange]
    accounts: list[AccessChange]
    lifecycle: list[LifecycleEvent]
    edges: dict[str, list[dict[str, Any]]]
    properties: list[dict[str, Any]]

    @classmethod
    def _of(cls, raw: Mapping[str, Any]) -> "Diff":
        d = raw["diff"]
        return cls(
            added={k: list(v["added"]) for k, v in d["nodes"].items()},
            removed={k: list(v["removed"]) for k, v in d["nodes"].items()},
            persons=[AccessChange._of(c) for c in d["persons"]],
            accounts=[AccessChange._of(c) for c in d["accounts"]],
            lifecycle=[LifecycleEvent._of(e) for e in raw["lifecycle"]],
            edges={k: list(v) for k, v in d["edges"].items()},
            properties=list(d["properties"]),
        )

    def is_empty(self) -> bool:
        """True when both snapshots hold the same nodes, access, edges and
        properties."""
        return not (
            any(self.added.values())
            or any(self.removed.values())
            or self.persons
            or self.accounts
            or any(self.edges.values())
            or self.properties
        )

    def __repr__(self) -> str:
        return (
            f"Diff({len(self.persons)} persons and {len(self.accounts)} accounts with "
            f"access changes, {len(self.lifecycle)} lifecycle events)"
        )
