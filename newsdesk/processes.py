"""Child processes that end with the process that started them (Linux: a parent-death signal).

The NER workers and the Prefect server `newsdesk serve` starts both use it. No imports beyond
the standard library: the NER workers import this first thing.
"""

from __future__ import annotations

import ctypes
import sys

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def ask_parent_death_signal(signum: int) -> bool:
    """Have Linux send `signum` to this process when the thread that started it ends (with its
    process, even by SIGKILL); False where the kernel cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False
