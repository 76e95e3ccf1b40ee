"""Arrow tables over columns Rust built, without copying them."""

from __future__ import annotations

from typing import Any

from . import _native
from ._optional import require


def _wrap(pa: Any, buf: _native.Buffer) -> Any:
    # The Arrow buffer reads the Rust vector in place and holds a reference
    # to `buf`, which owns it, for as long as Arrow needs the memory.
    return pa.foreign_buffer(buf.address, buf.nbytes, base=buf)


def _ids(pa: Any, offsets: _native.Buffer, text: _native.Buffer) -> Any:
    n = len(offsets) - 1
    return pa.Array.from_buffers(pa.large_string(), n, [None, _wrap(pa, offsets), _wrap(pa, text)])


def pairs_table(pairs: _native.AccessPairs) -> Any:
    """The table of (account, entitlement) pairs: two dictionary columns
    whose indices are the Rust columns and whose dictionaries are the
    account and entitlement ids."""
    pa = require("pyarrow", "access_all_arrow()")
    n = len(pairs)
    accounts = pa.Array.from_buffers(pa.uint32(), n, [None, _wrap(pa, pairs.accounts)])
    ents = pa.Array.from_buffers(pa.uint32(), n, [None, _wrap(pa, pairs.entitlements)])
    account_ids = _ids(pa, pairs.account_offsets, pairs.account_text)
    ent_ids = _ids(pa, pairs.entitlement_offsets, pairs.entitlement_text)
    return pa.table(
        {
            "account": pa.DictionaryArray.from_arrays(accounts, account_ids),
            "entitlement": pa.DictionaryArray.from_arrays(ents, ent_ids),
        }
    )
