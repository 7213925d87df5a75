"""The sealed :class:`ProtectedTable`: a DataFrame that passed disclosure control."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pandas as pd

from peo.errors import DisclosureError

__all__ = ["ProtectedTable"]

# A per-process key seals protected tables: a table sealed in another process (pickled,
# read back from disk) must pass through protect() again before it is published.
_KEY = secrets.token_bytes(32)


class ProtectedTable(pd.DataFrame):
    """A table that passed disclosure control: a DataFrame with a seal.

    Only :func:`protect` and :func:`protect_rows` make a valid one. It behaves like any
    DataFrame, but the seal covers its columns, types and values: after any change (an
    edited value, a dropped row, a concatenation) :func:`publish` refuses it and the table
    must pass through :func:`protect` again (which is idempotent). A plain DataFrame is
    never protected, even when its values are the same.
    """

    _metadata = ["_peo_seal", "_peo_threshold", "_peo_bars", "_peo_group", "_peo_counts"]
    _peo_seal: str | None = None
    _peo_threshold: int | None = None
    _peo_bars: tuple = ()
    _peo_group: str | None = None
    _peo_counts: tuple = ()

    @property
    def _constructor(self):
        return ProtectedTable

    @property
    def threshold(self) -> int | None:
        """The threshold this table was protected with."""
        return self._peo_threshold

    def is_sealed(self) -> bool:
        """Whether the table is unchanged since it was protected (in this process)."""
        if self._peo_seal is None or self._peo_threshold is None:
            return False
        expected = _seal(self, self._peo_threshold, self._peo_bars, self._peo_group, self._peo_counts)
        return hmac.compare_digest(self._peo_seal, expected)


def _fingerprint(frame: pd.DataFrame) -> bytes:
    plain = pd.DataFrame(frame)
    h = hashlib.sha256()
    h.update(repr([str(c) for c in plain.columns]).encode())
    h.update(repr([str(t) for t in plain.dtypes]).encode())
    h.update(repr(len(plain)).encode())
    if len(plain.columns):
        h.update(pd.util.hash_pandas_object(plain, index=False).to_numpy().tobytes())
    return h.digest()


def _seal(frame: pd.DataFrame, threshold: int, bars: tuple, group: str | None, counts: tuple) -> str:
    msg = _fingerprint(frame) + repr((int(threshold), tuple(bars), group, tuple(counts))).encode()
    return hmac.new(_KEY, msg, hashlib.sha256).hexdigest()


def _sealed(frame: pd.DataFrame, threshold: int, bars: tuple, group: str | None, counts: tuple) -> ProtectedTable:
    """Seal a protected frame. ``counts``: its (count columns, respondent columns)."""
    out = ProtectedTable(frame)
    out._peo_threshold = int(threshold)
    out._peo_bars = tuple(bars)
    out._peo_group = group
    out._peo_counts = tuple(tuple(c) for c in counts)
    out._peo_seal = _seal(out, threshold, bars, group, out._peo_counts)
    return out


def _require_protected(table, what: str) -> ProtectedTable:
    if not isinstance(table, ProtectedTable) or table._peo_seal is None:
        raise DisclosureError(
            f"{what}: this table did not pass disclosure control. "
            "Pass it through peo.tables.disclosure.protect() (cell tables) or protect_rows() "
            "(one row per test or summary) first."
        )
    if not table.is_sealed():
        raise DisclosureError(
            f"{what}: this table was changed after it passed disclosure control (or was "
            "protected in another process). Make every change first, then call "
            "peo.tables.disclosure.protect() or protect_rows() on the final table."
        )
    return table
