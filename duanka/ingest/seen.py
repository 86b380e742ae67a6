"""What a load has seen so far (parent keys, file keys, written elements), held compactly.

A load of a million persons sees some 40 M keys and element ids; as Python sets they took ~5 GB of
the ingest's 8 GB. Here each is a 64-bit hash in a few sorted NumPy arrays: 8 bytes a key, and a
chunk's 50 k keys are looked up and added in one vectorised step. Two distinct keys share a hash
with probability ~n²/2⁶⁵ (10⁻⁵ for 40 M keys); such a pair would count as one key.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def hashed(*columns: pd.Series | np.ndarray) -> np.ndarray:
    """One 64-bit hash per row of the columns taken together, as text: equal for equal keys whatever their dtype."""
    frame = pd.DataFrame({i: np.asarray(c, dtype=object) for i, c in enumerate(columns)}).astype(str)
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


class Seen:
    """A growing set of hashes: sorted runs merged as they double (a log-structured merge), never rehashed."""

    def __init__(self) -> None:
        self._runs: list[np.ndarray] = []

    def __len__(self) -> int:
        return sum(len(r) for r in self._runs)

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        """Which of `hashes` were added before."""
        found = np.zeros(len(hashes), dtype=bool)
        for run in self._runs:
            at = np.searchsorted(run, hashes).clip(max=len(run) - 1)
            found |= run[at] == hashes
        return found

    def add(self, hashes: np.ndarray) -> np.ndarray:
        """Add `hashes`; True where a hash is seen for the first time (its first occurrence here, not seen before)."""
        first = np.zeros(len(hashes), dtype=bool)
        distinct, at = np.unique(hashes, return_index=True)
        fresh = ~self.contains(distinct)
        first[at[fresh]] = True
        if fresh.any():
            self._runs.append(distinct[fresh])
            while len(self._runs) > 1 and len(self._runs[-2]) <= 2 * len(self._runs[-1]):
                newest = self._runs.pop()
                self._runs[-1] = np.sort(np.concatenate([self._runs[-1], newest]))
        return first
