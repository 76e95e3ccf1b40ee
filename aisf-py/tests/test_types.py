"""Wrong types from Python raise TypeError, never crash."""

from __future__ import annotations

import pytest

import aisf
from aisf import _native


@pytest.mark.parametrize("bad", [None, 42, 3.5, ["a.aisf"], {"path": "a"}, object()])
def test_open_takes_only_paths(bad: object) -> None:
    with pytest.raises(TypeError, match="path"):
        aisf.open(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.who(42),
        lambda s: s.access(None),
        lambda s: s.explain("person:1", b"ad:ent:vpn-user"),
        lambda s: s.node(["person:1"]),
        lambda s: s.nodes(1),
        lambda s: s.scan(12),
        lambda s: s.scan(now="yesterday"),
        lambda s: s.scan(paths="yes"),
        lambda s: s.access_count(3.0),
    ],
)
def test_snapshot_methods_check_their_arguments(snap: aisf.Snapshot, call: object) -> None:
    with pytest.raises(TypeError):
        call(snap)  # type: ignore[operator]


def test_module_functions_check_their_arguments(snap: aisf.Snapshot, tmp_path: object) -> None:
    with pytest.raises(TypeError):
        aisf.ingest(42, "out.aisf")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        aisf.ingest([b"ok", 7], "out.aisf")  # type: ignore[list-item]
    with pytest.raises(TypeError):
        aisf.ingest("x", None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        aisf.demo(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        aisf.demo(str(tmp_path), people="many")  # type: ignore[arg-type]
    with pytest.raises((TypeError, OverflowError)):
        aisf.demo(str(tmp_path), people=-5)
    with pytest.raises(TypeError):
        aisf.diff(snap, 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _native.diff("a.aisf", "b.aisf")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        aisf.Snapshot("org.aisf")  # type: ignore[arg-type]


def test_native_classes_cannot_be_made_from_python() -> None:
    for cls in (_native.Snapshot, _native.Buffer, _native.AccessPairs):
        with pytest.raises(TypeError):
            cls()
