"""Shared organisations: generated once per test session, in temporary
folders."""

from __future__ import annotations

import pytest

import aisf

#: Size of the organisation the GIL tests query: big enough that one scan
#: takes a good fraction of a second in a release build.
BIG_PEOPLE = 12_000


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> aisf.Demo:
    """The 250-person demo organisation, with drift."""
    return aisf.demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def clean(tmp_path_factory: pytest.TempPathFactory) -> aisf.Demo:
    """The same organisation without the injected drift."""
    return aisf.demo(tmp_path_factory.mktemp("clean"), drift=False)


@pytest.fixture(scope="session")
def snap(demo: aisf.Demo) -> aisf.Snapshot:
    return aisf.open(demo.snapshot)


@pytest.fixture(scope="session")
def big(tmp_path_factory: pytest.TempPathFactory) -> aisf.Demo:
    return aisf.demo(tmp_path_factory.mktemp("big"), BIG_PEOPLE)
