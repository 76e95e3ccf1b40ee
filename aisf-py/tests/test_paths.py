"""Paths as str, bytes and PathLike, including names that are not UTF-8."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import aisf

# A file name byte sequence that is not UTF-8, as Linux allows.
RAW = b"org-\xff\xfe-caf\xe9"


@pytest.fixture
def odd_dir(tmp_path: Path) -> bytes:
    if sys.platform == "win32" or sys.platform == "darwin":
        # Windows and macOS file systems refuse invalid UTF-8 names; the
        # surrogate handling is then exercised by the bytes tests only.
        return os.fsencode(tmp_path)
    return os.path.join(os.fsencode(tmp_path), RAW)


def test_a_demo_and_snapshot_in_a_folder_whose_name_is_not_utf8(odd_dir: bytes) -> None:
    as_str = os.fsdecode(odd_dir)  # undecodable bytes become surrogates
    demo = aisf.demo(as_str)
    assert os.fsencode(demo.snapshot) == os.path.join(odd_dir, b"org.aisf")
    assert os.path.exists(os.fsencode(demo.snapshot))

    by_str = aisf.open(demo.snapshot)
    by_bytes = aisf.open(os.fsencode(demo.snapshot))
    by_pathlike = aisf.open(Path(demo.snapshot))
    assert by_str.node_count == by_bytes.node_count == by_pathlike.node_count
    assert os.fsencode(by_bytes.path) == os.fsencode(demo.snapshot)

    findings = by_str.scan(os.fsencode(demo.policy))
    assert len(findings) > 0

    out = os.path.join(odd_dir, b"again.aisf")
    report = aisf.ingest([os.fsencode(demo.exports)], out)
    assert os.fsencode(report.snapshot) == out
    assert aisf.open(out).node_count == by_str.node_count


def test_errors_keep_the_undecodable_path(odd_dir: bytes) -> None:
    missing = os.path.join(odd_dir, b"missing.aisf")
    with pytest.raises(aisf.OpenError) as e:
        aisf.open(missing)
    assert e.value.path is not None
    assert os.fsencode(e.value.path) == missing


def test_a_str_with_a_nul_byte_is_refused() -> None:
    with pytest.raises((ValueError, aisf.AisfError)):
        aisf.open("org\x00.aisf")
