"""Giving freed memory back to the system between commands, and keeping it in few
places.

The models' native code (CTranslate2, onnxruntime, the audio buffers around them)
frees megabytes per command on several threads, and glibc keeps freed memory in
its arenas. Trimming after each command, when nothing waits for it, kept the
resident size of a 1,000-command soak about 100 MB lower for most of the run; it
takes well under a millisecond. (It does not stop the one-time steps of 45-90 MB
that the soak still shows; see the README's "Long runs".)

glibc gives each thread that allocates while another holds an arena an arena of its
own, up to eight per core. Whisper, the wake models and the acoustic checks run on
whichever worker thread is free, so over the first tens of commands, and again
whenever a slow MQTT acknowledgement holds a worker, one more arena ends up holding
a copy of their working memory (12-23 MB each; 17 arenas in one service after 30
commands). Two arenas, set before any thread starts, keep that from growing
(2026-12-07: after 24 commands 354 MB instead of 408, then +3 MB over 8 more
instead of +45).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
from collections.abc import Callable
from functools import cache

_LOGGER = logging.getLogger(__name__)

ARENAS = 2
_M_ARENA_MAX = -8
"""mallopt's parameter number for the arena limit (glibc's malloc.h)."""


@cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c"))
    except OSError:
        return None


def _malloc_trim() -> Callable[[int], int] | None:
    return getattr(_libc(), "malloc_trim", None)  # glibc only (not musl)


def limit_arenas(arenas: int = ARENAS) -> bool:
    """At most ``arenas`` malloc arenas from now on, unless ``MALLOC_ARENA_MAX``
    says otherwise; call it before any thread starts. False where not glibc."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None or "MALLOC_ARENA_MAX" in os.environ:
        return False
    done = bool(mallopt(_M_ARENA_MAX, arenas))
    _LOGGER.debug("malloc arenas limited to %d: %s", arenas, done)
    return done


def release_memory() -> None:
    """Return the allocator's free memory to the system, where it can."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
