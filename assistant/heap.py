"""Giving freed memory back to the system between commands.

The models' native code (CTranslate2, onnxruntime, the audio buffers around them)
frees megabytes per command on several threads, and glibc keeps freed memory in
its arenas. Trimming after each command, when nothing waits for it, kept the
resident size of a 1,000-command soak about 100 MB lower for most of the run; it
takes well under a millisecond. (It does not stop the one-time steps of 45-90 MB
that the soak still shows; see the README's "Long runs".)
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
    except OSError:
        return None
    return getattr(libc, "malloc_trim", None)  # glibc only (not musl)


def release_memory() -> None:
    """Return the allocator's free memory to the system, where it can."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
