"""Tables a scraper wrote one cell per line, told by the period of their cells' kinds.

Plain text keeps no markup to say where a table is; what it keeps is the rhythm of its cells:
a row of a number, a name and a time, then another row the same. `table_blocks` finds such
runs. The line classifier keeps a table under a body line whole (lines.decide), and the rule
cascade leaves a table's clock cells to it rather than reading them as a video's duration
(text._mark_by_pattern).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

# A table the scraper wrote one cell per line ("Pos.", "Driver", "Points", then "1", "Kyle
# Busch", "5040", ...) is told by the period of its cells' kinds: a number cell ("5040", "85%",
# "$1,349.00", "11-3"), a short cell (up to TABLE_CELL_WORDS words), a longer line. A run of at
# least TABLE_MIN_ROWS rows of 2 to TABLE_MAX_PERIOD cells whose kinds repeat row after row,
# with a number cell in the row and at least two thirds of its cells number or short cells (a
# numbered list of other stories' headlines, "1" then a headline, is no table), is a table;
# a row of short cells right above it is its header.
_NUMBER_CELL = re.compile(r"[^\w\n]*\d[\d\W_]*[a-zA-Z%]{0,3}[^\w\n]*")
TABLE_CELL_WORDS = 4
TABLE_MAX_PERIOD = 10
TABLE_MIN_ROWS = 3
NUMBER, SHORT, LONG = 0, 1, 2


@dataclass(frozen=True)
class Table:
    """One table: its lines first .. end - 1 (its header row, if any, included), its cells per
    row, and how many of its cells are numbers."""

    first: int
    end: int
    period: int
    numbers: int

    @property
    def rows(self) -> int:
        """Rows of the table, its header row included."""
        return (self.end - self.first) // self.period


def table_blocks(lines: list[str], word_counts: list[int]) -> np.ndarray:
    """Per line, the id of the table it is a cell of, or -1 (see the comment above);
    `word_counts`: each line's number of words."""
    out = np.full(len(lines), -1, dtype=np.int64)
    for n, table in enumerate(tables(lines, word_counts)):
        out[table.first : table.end] = n
    return out


def tables(lines: list[str], word_counts: list[int]) -> list[Table]:
    """The tables among the lines, the longest first (see the comment above)."""
    n = len(lines)
    taken = np.zeros(n, dtype=bool)
    kinds = np.array(
        [
            NUMBER
            if words <= TABLE_CELL_WORDS and _NUMBER_CELL.fullmatch(line)
            else SHORT
            if words <= TABLE_CELL_WORDS
            else LONG
            for line, words in zip(lines, word_counts, strict=True)
        ],
        dtype=np.int64,
    )
    found: list[tuple[int, int, int]] = []  # (first line, end, period)
    for period in range(2, min(TABLE_MAX_PERIOD, n // TABLE_MIN_ROWS) + 1):
        # same[j]: line j repeats the kind of the cell a row above; a table is a long run of it.
        same = np.concatenate([[False], kinds[period:] == kinds[:-period], [False]])
        edges = np.flatnonzero(np.diff(same.astype(np.int8)))
        # A run same[a + 1 .. b] (lines a + period .. b + period - 1 each repeating the line a
        # row above) is the table of lines a .. b + period - 1.
        for first, last in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
            row = kinds[first : first + period]
            if (
                last - first >= (TABLE_MIN_ROWS - 1) * period
                and (row == NUMBER).any()
                and 3 * int((row < LONG).sum()) >= 2 * period
                and len(set(row.tolist())) > 1
            ):
                found.append((first, last + period, period))
    out = []  # the longest tables first; of two as long, the one of the shorter row
    for first, end, period in sorted(found, key=lambda f: (f[0] - f[1], f[2])):
        head = first - period
        if head >= 0 and (kinds[head:first] < LONG).all() and not taken[head:first].any():
            first = head
        if not taken[first:end].any():
            taken[first:end] = True
            out.append(Table(first, end, period, int((kinds[first:end] == NUMBER).sum())))
    return out


def numeric_table_cells(lines: list[str], word_counts: list[int]) -> set[int]:
    """The lines that are cells of a table with two number cells or more a row (a position
    and a time: a results table, a schedule), not of a list of videos (each a duration, then
    its title, once or twice)."""
    return {
        i
        for table in tables(lines, word_counts)
        if table.numbers >= 2 * (table.rows - 1)  # the header row may hold none
        for i in range(table.first, table.end)
    }
