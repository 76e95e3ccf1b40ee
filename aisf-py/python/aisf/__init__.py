"""AISF from Python: open identity-governance snapshots, ask who can reach
what and why, scan them against a policy and compare two of them.

>>> import aisf
>>> demo = aisf.demo("aisf-demo")                 # a generated 250-person organisation
>>> snap = aisf.open(demo.snapshot)
>>> snap.who("aws:policy:AdministratorAccess")    # doctest: +SKIP
>>> findings = snap.scan(demo.policy)
>>> findings.to_pandas()                          # doctest: +SKIP

Every long call releases the GIL, and a :class:`Snapshot` may be shared by
threads. Errors are :class:`AisfError` subclasses carrying ``path`` and
``place``.
"""

from __future__ import annotations

from typing import Iterable, Optional, Union

from . import _native
from ._model import (
    FINDING_COLUMNS,
    Access,
    AccessChange,
    Demo,
    Diff,
    EntitlementChange,
    Explanation,
    Finding,
    Findings,
    IngestReport,
    LifecycleEvent,
    Node,
    SourceReport,
    Step,
    Via,
    Who,
    ingest_report,
)
from ._native import (
    AisfError,
    BuildError,
    IngestError,
    NotFoundError,
    OpenError,
    PolicyError,
    VerifyError,
)
from ._snapshot import AccessPairs, Snapshot, StrPath

__version__: str = _native.__version__

__all__ = [
    "FINDING_COLUMNS",
    "Access",
    "AccessChange",
    "AccessPairs",
    "AisfError",
    "BuildError",
    "Demo",
    "Diff",
    "EntitlementChange",
    "Explanation",
    "Finding",
    "Findings",
    "IngestError",
    "IngestReport",
    "LifecycleEvent",
    "Node",
    "NotFoundError",
    "OpenError",
    "PolicyError",
    "Snapshot",
    "SourceReport",
    "Step",
    "StrPath",
    "VerifyError",
    "Via",
    "Who",
    "demo",
    "diff",
    "ingest",
    "open",
    "rules",
]


def open(path: StrPath) -> Snapshot:  # noqa: A001 - the natural name, as in aisf.open
    """Opens a snapshot file (memory-mapped; the bounds of every section are
    checked, the bytes are not: call :meth:`Snapshot.verify` for files from
    elsewhere). Raises :class:`OpenError` with ``path`` set."""
    return Snapshot(_native.open(path))


def ingest(
    paths: Union[StrPath, Iterable[StrPath]],
    out: StrPath,
    *,
    strict: bool = False,
    system: Optional[str] = None,
) -> IngestReport:
    """Reads exports (files, folders and zips of SharpHound, OpenGraph, SCIM,
    LDIF, Entra, Okta, Google, AWS IAM or AISF's CSV bundle), links accounts
    to persons and writes a snapshot to ``out`` atomically, as ``aisf
    ingest`` does.

    ``strict`` stops at the first record that cannot be used instead of
    skipping it; ``system`` names the system where a format does not. Raises
    :class:`IngestError` (``path``, ``place``) when an input cannot be read
    and :class:`BuildError` when the snapshot cannot be written; nothing is
    written then.
    """
    raw = _native.ingest(paths, out, strict, system)
    return ingest_report(_fspath(out), raw)


def demo(
    out: StrPath,
    people: int = 250,
    *,
    seed: Optional[int] = None,
    drift: bool = True,
) -> Demo:
    """Generates a realistic organisation of ``people`` persons into the
    folder ``out``, as ``aisf demo`` does: ``org.aisf`` (its snapshot),
    ``exports/`` (its exports as a CSV bundle) and ``policy.toml`` (the
    policy it was built to). ``drift=False`` leaves out the injected drift
    (leavers still active, stale admins, orphans...): the same organisation
    as it should be. The same seed gives the same organisation."""
    raw = _native.demo(out, people, seed, drift)
    build = raw["build"]
    return Demo(raw["snapshot"], raw["exports"], raw["policy"], build["nodes"], build["edges"])


def diff(
    old: Union[Snapshot, StrPath],
    new: Union[Snapshot, StrPath],
    *,
    policy: Optional[StrPath] = None,
) -> Diff:
    """What changed from ``old`` to ``new`` (snapshots or paths): nodes,
    access gained and lost per person and account (privileged first, as the
    policy or the built-in defaults mark privilege), and the joiners, movers
    and leavers behind it."""
    return Diff._of(_native.diff(_inner(old), _inner(new), policy))


def rules() -> list[tuple[str, str, str]]:
    """Every rule of the scan: ``(id, default severity, summary)``."""
    return _native.rule_ids()


def _inner(s: Union[Snapshot, StrPath]) -> _native.Snapshot:
    if isinstance(s, Snapshot):
        return s._inner
    return _native.open(s)


def _fspath(p: StrPath) -> str:
    import os

    return os.fsdecode(p)
