"""``aisf.Snapshot``: the typed face of an open snapshot."""

from __future__ import annotations

import array
import os
from typing import Any, Iterator, Optional, Union

from . import _native
from ._arrow import pairs_table
from ._model import Access, Explanation, Finding, Findings, Node, Step, Via, Who

#: What aisf takes as a path: ``str`` (undecodable bytes as surrogates, as
#: ``os.listdir`` gives them), ``bytes`` or any ``os.PathLike``.
StrPath = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


def _u32(buf: _native.Buffer) -> "array.array[int]":
    out = array.array("I")
    out.frombytes(buf.to_bytes())  # native byte order, as Rust wrote it
    return out


def _strings(offsets: _native.Buffer, text: _native.Buffer) -> list[str]:
    o = array.array("q")
    o.frombytes(offsets.to_bytes())
    t = text.to_bytes()
    return [t[o[i] : o[i + 1]].decode("utf-8") for i in range(len(o) - 1)]


class AccessPairs:
    """Every (account, entitlement) pair of a snapshot, held as two columns
    in Rust memory. Iterate for ``(account id, entitlement id)`` tuples,
    or turn it into Arrow or pandas without copying the columns."""

    __slots__ = ("_pairs",)

    def __init__(self, pairs: _native.AccessPairs) -> None:
        self._pairs = pairs

    def __len__(self) -> int:
        return len(self._pairs)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        p = self._pairs
        accounts = _strings(p.account_offsets, p.account_text)
        ents = _strings(p.entitlement_offsets, p.entitlement_text)
        for a, e in zip(_u32(p.accounts), _u32(p.entitlements)):
            yield accounts[a], ents[e]

    def to_arrow(self) -> Any:
        """A ``pyarrow.Table`` with the dictionary columns ``account`` and
        ``entitlement`` (node ids), reading the Rust columns in place."""
        return pairs_table(self._pairs)

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` with categorical ``account`` and
        ``entitlement`` columns (needs pyarrow and pandas)."""
        return self.to_arrow().to_pandas()

    def __repr__(self) -> str:
        return f"AccessPairs({len(self)} (account, entitlement) pairs)"


class Snapshot:
    """An open snapshot: one organisation's identity graph, memory-mapped.

    Made by :func:`aisf.open`. Immutable: share one between threads; every
    query releases the GIL while the engine works, so threads run in
    parallel. A subject or target is named by node id (``person:24``,
    ``ad:group:domain-admins``), name or email address; a name that matches
    nothing, or several nodes, raises :class:`aisf.NotFoundError`.
    """

    __slots__ = ("_inner",)

    def __init__(self, inner: _native.Snapshot) -> None:
        if not isinstance(inner, _native.Snapshot):
            raise TypeError("use aisf.open(path) to open a snapshot")
        self._inner = inner

    @property
    def path(self) -> str:
        """The file it was opened from."""
        return self._inner.path

    @property
    def node_count(self) -> int:
        """The number of nodes."""
        return self._inner.node_count

    @property
    def edge_count(self) -> int:
        """The number of edges."""
        return self._inner.edge_count

    @property
    def file_len(self) -> int:
        """The file's size in bytes."""
        return self._inner.file_len

    @property
    def systems(self) -> list[str]:
        """The systems the snapshot covers (``ad``, ``aws``, ``entra``...)."""
        return self._inner.systems

    def counts(self) -> dict[str, int]:
        """How many nodes of each built-in kind."""
        return dict(self._inner.kind_counts())

    def verify(self) -> None:
        """Checks every byte against its checksum and every invariant of the
        format; raises :class:`aisf.VerifyError` naming the section."""
        self._inner.verify()

    def node(self, key: str) -> Node:
        """The node an id, name or email address names."""
        return Node._of(self._inner.node(key))

    def nodes(self, kind: str) -> list[Node]:
        """Every node of a kind (``person``, ``account``, ``group``,
        ``role``, ``entitlement``, ``resource``, ``system``)."""
        return [Node._of(t) for t in self._inner.nodes(kind)]

    def access(self, who: str) -> Access:
        """Everything a person or account reaches, through every nested
        group and role."""
        s, ents, res = self._inner.access(who)
        return Access(Node._of(s), [Node._of(t) for t in ents], [Node._of(t) for t in res])

    def access_count(self, who: str) -> int:
        """How many entitlements a person or account reaches."""
        return self._inner.access_count(who)

    def who(self, target: str) -> Who:
        """Every person and account that can reach a group, role,
        entitlement or resource."""
        t, persons, accounts = self._inner.who(target)
        return Who(Node._of(t), [Node._of(p) for p in persons], [Node._of(a) for a in accounts])

    def who_count(self, target: str) -> tuple[int, int]:
        """How many persons and accounts can reach a target: ``(persons,
        accounts)``, without building the lists."""
        return self._inner.who_count(target)

    def explain(self, subject: str, target: str) -> Optional[Explanation]:
        """Why ``subject`` reaches ``target``: a shortest path and the
        direct assignments it goes through; ``None`` when it does not."""
        got = self._inner.explain(subject, target)
        if got is None:
            return None
        path, via = got
        return Explanation(
            [Step(Node._of(n), e) for n, e in path],
            [Via(Node._of(h), k, Node._of(g)) for h, k, g in via],
        )

    def scan(
        self,
        policy: Optional[StrPath] = None,
        *,
        now: Optional[int] = None,
        paths: bool = True,
    ) -> Findings:
        """Every departure from a policy file, highest risk first.

        ``policy`` is a TOML policy (see ``examples/policy.toml``); without
        one, the built-in privileged defaults and default thresholds apply.
        ``now`` (seconds since the epoch) fixes the evaluation time;
        ``paths=False`` skips justification paths on very large scans.
        Raises :class:`aisf.PolicyError` with ``path`` and ``place`` when
        the policy is refused.
        """
        raw = self._inner.scan(policy, now, paths)
        return Findings(
            findings=[Finding._of(f) for f in raw["findings"]],
            warnings=list(raw["warnings"]),
            silenced=int(raw["silenced"]),
            now=int(raw["now"]),
            rules=list(raw["rules"]),
        )

    def access_all(self) -> AccessPairs:
        """Every (account, entitlement) pair, computed in parallel."""
        return AccessPairs(self._inner.access_pairs())

    def access_all_arrow(self) -> Any:
        """Every (account, entitlement) pair as a ``pyarrow.Table`` of two
        dictionary columns, ``account`` and ``entitlement`` (node ids),
        built in Rust and handed to Arrow without a copy."""
        return self.access_all().to_arrow()

    def access_all_pandas(self) -> Any:
        """Every (account, entitlement) pair as a ``pandas.DataFrame`` with
        categorical columns (needs pyarrow and pandas)."""
        return self.access_all().to_pandas()

    def total_pairs(self) -> int:
        """The number of (account, entitlement) pairs, without listing
        them."""
        return self._inner.total_pairs()

    def __repr__(self) -> str:
        return (
            f"<aisf.Snapshot {self.path!r}: {self.node_count} nodes, {self.edge_count} edges>"
        )
