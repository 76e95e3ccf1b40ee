"""The package type-checks under mypy --strict, as installed (its py.typed
and its stub of the native module), and so does code that uses it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CLIENT = '''
from typing import Optional
import aisf

def tier0(path: str) -> list[str]:
    snap: aisf.Snapshot = aisf.open(path)
    who: aisf.Who = snap.who("aws:policy:AdministratorAccess")
    why: Optional[aisf.Explanation] = snap.explain(who.persons[0].id, who.target.id)
    findings: aisf.Findings = snap.scan(None, now=0, paths=False)
    first: aisf.Finding = findings[0]
    try:
        aisf.ingest([path], "out.aisf", strict=True)
    except aisf.IngestError as e:
        place: Optional[str] = e.place
    return [p.id for p in who.persons] + [first.rule, str(why)]
'''


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *args],
        capture_output=True,
        text=True,
    )


def test_the_package_passes_mypy_strict() -> None:
    run = _mypy("-p", "aisf")
    assert run.returncode == 0, run.stdout + run.stderr


def test_client_code_type_checks(tmp_path: Path) -> None:
    client = tmp_path / "client.py"
    client.write_text(CLIENT)
    run = _mypy(str(client))
    assert run.returncode == 0, run.stdout + run.stderr
