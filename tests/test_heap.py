"""Memory kept in few places: the malloc arena limit `assistant` sets at start."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

# eight threads alive at once each allocate natively; glibc's malloc_info then
# lists one <heap> per arena
_ARENAS = textwrap.dedent(
    """
    import ctypes, ctypes.util, os, sys, tempfile, threading
    if sys.argv[1] == "limit":
        from assistant.heap import limit_arenas
        assert limit_arenas() == (os.environ.get("MALLOC_ARENA_MAX") is None)
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.malloc.restype = libc.fopen.restype = ctypes.c_void_p
    gate, kept = threading.Barrier(8), []
    def work():
        gate.wait()
        kept.append(libc.malloc(100_000))
        gate.wait()
    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads: t.start()
    for t in threads: t.join()
    path = tempfile.mktemp()
    fp = ctypes.c_void_p(libc.fopen(path.encode(), b"w"))
    libc.malloc_info(0, fp)
    libc.fclose(fp)
    print(open(path).read().count("<heap nr="))
    os.unlink(path)
    """
)


def _arenas(mode: str, **env: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _ARENAS, mode],
        env={**{k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


def test_threads_share_two_arenas() -> None:
    assert _arenas("none") == 9  # glibc's default: one more per thread
    assert _arenas("limit") == 2
    # the user's own MALLOC_ARENA_MAX wins
    assert _arenas("limit", MALLOC_ARENA_MAX="4") == 4
