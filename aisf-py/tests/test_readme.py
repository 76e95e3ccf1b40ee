"""The Python section of the repository's README works as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = README.read_text()
    section = text.split("## Using it from Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None, "the README has no Python example"
    monkeypatch.chdir(tmp_path)
    exec(compile(code.group(1), str(README), "exec"), {"__name__": "readme"})
    assert (tmp_path / "aisf-demo-py" / "org.aisf").is_file()
    assert (tmp_path / "org.aisf").is_file()
