"""Every (account, entitlement) pair as Arrow and pandas, read in place."""

from __future__ import annotations

import pyarrow as pa

import aisf


def test_the_arrow_table_holds_every_pair(snap: aisf.Snapshot) -> None:
    table = snap.access_all_arrow()
    assert table.column_names == ["account", "entitlement"]
    assert table.num_rows == snap.total_pairs()
    assert pa.types.is_dictionary(table.schema.field("account").type)

    # The same pairs as the per-account queries give.
    for account in snap.nodes("account")[:40]:
        expected = {e.id for e in snap.access(account.id).entitlements}
        got = {
            e
            for a, e in zip(
                table.column("account").to_pylist(), table.column("entitlement").to_pylist()
            )
            if a == account.id
        }
        assert got == expected, account.id


def test_the_columns_are_not_copied(snap: aisf.Snapshot) -> None:
    pairs = snap.access_all()
    table = pairs.to_arrow()
    rust = pairs._pairs.accounts
    chunk = table.column("account").chunk(0)
    assert chunk.indices.buffers()[1].address == rust.address
    # The Arrow table keeps the Rust memory alive after every other
    # reference is gone.
    del pairs, rust
    assert table.column("account").to_pylist()[:1]


def test_iteration_without_arrow_gives_the_same_pairs(snap: aisf.Snapshot) -> None:
    pairs = snap.access_all()
    table = pairs.to_arrow()
    as_tuples = list(pairs)
    assert len(as_tuples) == len(pairs) == table.num_rows
    accounts = table.column("account").to_pylist()[:100]
    ents = table.column("entitlement").to_pylist()[:100]
    assert as_tuples[:100] == list(zip(accounts, ents))
    assert "pairs" in repr(pairs)


def test_pandas_gets_categorical_columns(snap: aisf.Snapshot) -> None:
    frame = snap.access_all_pandas()
    assert len(frame) == snap.total_pairs()
    assert str(frame["account"].dtype) == "category"
    per_account = frame.groupby("account", observed=True).size()
    account = snap.who("aws:policy:AdministratorAccess").accounts[0]
    assert per_account[account.id] == snap.access_count(account.id)
