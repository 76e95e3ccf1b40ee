"""One test per exception class: each is raised where the Rust error is,
is an AisfError, and carries `path` and `place`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import aisf


def test_the_hierarchy_mirrors_the_rust_errors() -> None:
    for cls in (
        aisf.OpenError,
        aisf.BuildError,
        aisf.IngestError,
        aisf.PolicyError,
        aisf.NotFoundError,
    ):
        assert issubclass(cls, aisf.AisfError)
    assert issubclass(aisf.VerifyError, aisf.OpenError)
    assert issubclass(aisf.NotFoundError, LookupError)
    assert issubclass(aisf.AisfError, Exception)


def test_open_error_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.aisf"
    with pytest.raises(aisf.OpenError) as e:
        aisf.open(missing)
    assert e.value.path == str(missing)
    assert str(missing) in str(e.value)

    junk = tmp_path / "junk.aisf"
    junk.write_bytes(b"this is not a snapshot at all" * 10)
    with pytest.raises(aisf.OpenError) as e:
        aisf.open(junk)
    assert e.value.path == str(junk)
    assert "not an aisf snapshot" in str(e.value)


def test_open_error_names_the_damaged_part(demo: aisf.Demo, tmp_path: Path) -> None:
    # A snapshot cut short: the header no longer matches the length.
    cut = tmp_path / "cut.aisf"
    cut.write_bytes(Path(demo.snapshot).read_bytes()[:-100])
    with pytest.raises(aisf.OpenError) as e:
        aisf.open(cut)
    assert e.value.path == str(cut)
    assert "truncated" in str(e.value)


def test_verify_error_names_the_section(demo: aisf.Demo, tmp_path: Path) -> None:
    data = bytearray(Path(demo.snapshot).read_bytes())
    bad = tmp_path / "flipped.aisf"
    # Flip one byte of the section data in the middle of the file: the
    # structure still opens, the checksum no longer matches.
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    snap = aisf.open(bad)
    with pytest.raises(aisf.VerifyError) as e:
        snap.verify()
    assert isinstance(e.value, aisf.OpenError)
    assert e.value.path == str(bad)
    assert e.value.place is not None and e.value.place.startswith("section ")


def test_build_error_when_the_snapshot_cannot_be_written(
    demo: aisf.Demo, tmp_path: Path
) -> None:
    out = tmp_path / "no-such-folder" / "org.aisf"
    with pytest.raises(aisf.BuildError) as e:
        aisf.ingest(demo.exports, out)
    assert e.value.path == str(out)
    assert not out.exists()

    # A demo into a path that is a file cannot make its folder.
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(aisf.BuildError) as e:
        aisf.demo(blocker)
    assert e.value.path is not None and e.value.path.startswith(str(blocker))


def test_ingest_error_names_the_file_and_line(demo: aisf.Demo, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(demo.exports, bundle)
    accounts = bundle / "accounts.csv"
    lines = accounts.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[3].split(",")
    row[header.index("enabled")] = "perhaps"
    lines[3] = ",".join(row)
    accounts.write_text("\n".join(lines) + "\n")

    out = tmp_path / "org.aisf"
    with pytest.raises(aisf.IngestError) as e:
        aisf.ingest(bundle, out, strict=True)
    err = e.value
    assert err.path is not None and err.path.endswith("accounts.csv")
    assert err.line == 4
    assert err.place is not None and err.place.endswith("accounts.csv:4")
    assert "enabled" in str(err)
    assert not out.exists(), "a failed ingest writes nothing"

    # Lenient mode skips the row and says where.
    report = aisf.ingest(bundle, out)
    skipped = [place for s in report.sources for place, _ in s.skipped]
    assert any(place.endswith("accounts.csv:4") for place in skipped)


def test_ingest_error_for_a_missing_or_unknown_input(tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here"
    with pytest.raises(aisf.IngestError) as e:
        aisf.ingest(missing, tmp_path / "o.aisf")
    assert e.value.path == str(missing)
    assert e.value.line is None

    unknown = tmp_path / "notes.txt"
    unknown.write_text("hello, this is not an export\n")
    with pytest.raises(aisf.IngestError) as e:
        aisf.ingest(unknown, tmp_path / "o.aisf", strict=True)
    assert e.value.path is not None and e.value.path.endswith("notes.txt")
    assert "unknown format" in str(e.value)
    # Lenient (the default), the file is skipped and reported.
    report = aisf.ingest(unknown, tmp_path / "o.aisf")
    assert report.sources[0].format == "unknown"
    assert "unknown format" in report.sources[0].skipped[0][1]


def test_policy_error_names_the_line_column_and_key(snap: aisf.Snapshot, tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("[thresholds]\nstale_dayz = 30\n")
    with pytest.raises(aisf.PolicyError) as e:
        snap.scan(policy)
    err = e.value
    assert err.path == str(policy)
    assert err.line == 2 and err.column == 1
    assert err.place == f"{policy}:2:1"
    assert err.key is not None and "stale_dayz" in err.key
    assert "did you mean" in str(err)

    broken = tmp_path / "broken.toml"
    broken.write_text("[thresholds\n")
    with pytest.raises(aisf.PolicyError) as e:
        snap.scan(broken)
    assert e.value.line == 1 and e.value.key is None

    with pytest.raises(aisf.PolicyError) as e:
        snap.scan(tmp_path / "absent.toml")
    assert e.value.path == str(tmp_path / "absent.toml")
    assert e.value.place is None


def test_not_found_error_for_unknown_names(snap: aisf.Snapshot) -> None:
    with pytest.raises(aisf.NotFoundError) as e:
        snap.who("no-such-group-anywhere")
    assert "no-such-group-anywhere" in str(e.value)
    with pytest.raises(LookupError):
        snap.access("nobody@example.invalid")
    with pytest.raises(aisf.AisfError):
        snap.explain("person:1", "no-such-entitlement")
    # A name several nodes share asks for an id.
    names = [a.name for a in snap.nodes("group") if a.name]
    shared = next((n for n in names if names.count(n) > 1), None)
    if shared is not None:
        with pytest.raises(aisf.NotFoundError, match="use an id"):
            snap.who(shared)


def test_every_error_is_caught_by_the_base_class(tmp_path: Path) -> None:
    with pytest.raises(aisf.AisfError) as e:
        aisf.open(os.path.join(tmp_path, "none.aisf"))
    assert e.value.place is None
