"""Near-duplicate detection: MinHash signatures over word shingles. Pure functions.

The loader stores `signature(body)` and links `duplicate_of` when `similarity` with an earlier
article passes its threshold. Signatures are stable across processes and Python versions
(blake2b, not the salted built-in `hash`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

# 5-word shingles: long enough that shared boilerplate phrases do not make unrelated articles
# similar, short enough that an edited paragraph leaves most shingles intact.
SHINGLE_WORDS = 5
# 128 hash functions: standard error of the Jaccard estimate about 1/sqrt(128) ~ 0.09.
NUM_PERM = 128
# 21 bands of 6 values over a 128-value signature (the last 2 values are in no band): pairs at
# Jaccard 0.8 share a band with probability 0.998, at 0.85 0.99998, at 0.5 0.28, at 0.3 0.015.
# The candidate threshold (1/21)^(1/6) ~ 0.6 sits below DUPLICATE_SIMILARITY, so true copies
# are found while articles sharing a paragraph or two are rarely compared (migration 0004).
BAND_ROWS = 6
_MERSENNE = (1 << 61) - 1
_MAX_HASH = (1 << 32) - 1
_WORD = re.compile(r"\w+")


def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """Fixed (a, b) columns for the universal hashes (a*x + b) mod p, derived deterministically.

    a and b are below 2**32 and so are the shingle hashes, so a*x + b fits in an unsigned
    64-bit integer and the whole signature is one vectorised numpy expression.
    """
    a_values, b_values = [], []
    for i in range(NUM_PERM):
        digest = hashlib.blake2b(f"newsdesk-minhash-{i}".encode(), digest_size=8).digest()
        a_values.append(int.from_bytes(digest[:4], "big") | 1)
        b_values.append(int.from_bytes(digest[4:], "big"))
    column = (NUM_PERM, 1)
    return (
        np.array(a_values, dtype=np.uint64).reshape(column),
        np.array(b_values, dtype=np.uint64).reshape(column),
    )


PERM_A, PERM_B = _permutations()


def shingles(text: str) -> set[int]:
    """32-bit hashes of the text's lower-cased word shingles."""
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        pieces = [" ".join(words)] if words else []
    else:
        pieces = [
            " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
        ]
    return {
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "big") for s in pieces
    }


def signature(text: str) -> list[int]:
    """The MinHash signature of a text (NUM_PERM integers; all max for an empty text)."""
    hashes = shingles(text)
    if not hashes:
        return [_MAX_HASH] * NUM_PERM
    values = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
    mixed = ((PERM_A * values + PERM_B) % np.uint64(_MERSENNE)) & np.uint64(_MAX_HASH)
    return [int(v) for v in mixed.min(axis=1)]


def similarities(
    signature: Sequence[int] | np.ndarray, others: Sequence[Sequence[int]] | Sequence[np.ndarray]
) -> np.ndarray:
    """`similarity` of one signature with each of many, at once (a float array)."""
    if not others:
        return np.zeros(0)
    mine = np.asarray(signature, dtype=np.int64)
    matrix = np.asarray(others, dtype=np.int64)
    if matrix.shape[1:] != mine.shape or not len(mine):
        raise ValueError("signatures must be non-empty and of equal length")
    if (mine == _MAX_HASH).all():
        return np.zeros(len(matrix))
    scores = (matrix == mine).mean(axis=1)
    scores[(matrix == _MAX_HASH).all(axis=1)] = 0.0  # an empty text is like nothing
    return scores


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the texts behind two signatures (0.0 to 1.0): the share
    of positions where they agree; 0.0 when either is the signature of an empty text."""
    return float(similarities(a, [b])[0])


def band_keys(signature: Sequence[int]) -> list[int]:
    """LSH band keys of a MinHash signature (signed 64-bit, as Postgres bigint stores them)."""
    keys = []
    for band in range(0, len(signature) - BAND_ROWS + 1, BAND_ROWS):
        data = band.to_bytes(2, "big") + b"".join(
            int(v).to_bytes(8, "big") for v in signature[band : band + BAND_ROWS]
        )
        digest = hashlib.blake2b(data, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys
