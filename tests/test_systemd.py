"""The service unit: systemd accepts it, it is hardened, and the service notifies
systemd (READY=1, then WATCHDOG=1 from the audio loop)."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.notify import sd_notify, watchdog_interval

UNIT = Path(__file__).resolve().parent.parent / "systemd" / "assistant.service"


def _analyze(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("systemd-analyze")
    if exe is None:
        pytest.fail("systemd-analyze is missing (apt-get install systemd)")
    return subprocess.run(
        [exe, *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_unit_verifies(tmp_path: Path) -> None:
    # verify checks that ExecStart exists: point it at this checkout's entry point
    entry = Path(sys.executable).parent / "assistant"
    assert entry.exists()
    unit = tmp_path / "assistant.service"
    unit.write_text(
        UNIT.read_text().replace("/opt/assistant/.venv/bin/assistant", str(entry))
    )
    proc = _analyze("verify", str(unit))
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def test_unit_is_hardened() -> None:
    proc = _analyze("security", "--offline=true", str(UNIT))
    found = re.search(
        r"Overall exposure level for assistant\.service: ([\d.]+)", proc.stdout
    )
    assert found, proc.stdout + proc.stderr
    assert float(found[1]) <= 2.5


def test_sd_notify_sends_datagrams(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        assert sd_notify("READY=1")
        assert server.recv(100) == b"READY=1"
    monkeypatch.delenv("NOTIFY_SOCKET")
    assert not sd_notify("READY=1")


def test_watchdog_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    assert watchdog_interval() is None
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert watchdog_interval() == 15.0
