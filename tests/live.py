"""Helpers for the live-audio tests: a PulseAudio with virtual devices, `assistant run`
as a subprocess, playing speech into its microphone and recording its speaker."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MIC_SINK = "assistant_test_mic"
"""Speech played into this null sink reaches the assistant through its monitor."""
SPEAKER_SINK = "assistant_test_speaker"
SPEAKER_RATE = 22050


def pactl(*args: str) -> str:
    return subprocess.run(
        ["pactl", *args], capture_output=True, text=True, check=True, timeout=20
    ).stdout


def pulse_running() -> bool:
    try:
        pactl("info")
        return True
    except (
        subprocess.CalledProcessError,
        subprocess.TimeoutExpired,
        FileNotFoundError,
    ):
        return False


PULSE_LOG = Path(os.environ.get("TMPDIR", "/tmp")) / "assistant-test-pulse.log"
"""PulseAudio's own log, shown when playing into the microphone fails."""


def start_pulse() -> None:
    """A user-space PulseAudio (as root too) with the two virtual devices.

    Without realtime scheduling: as root PulseAudio's mixing threads run
    SCHED_RR under a 200 ms RLIMIT_RTTIME, and the kernel kills the whole daemon
    when a loaded machine keeps one of them on the CPU that long. It still runs
    at a raised nice level (high-priority)."""
    if not pulse_running():
        subprocess.run(
            ["pulseaudio", "-D", "--exit-idle-time=-1", "--system=false",
             "--realtime=false", "--high-priority=true",
             f"--log-target=newfile:{PULSE_LOG}"],
            check=True, stderr=subprocess.DEVNULL, timeout=20,
        )  # fmt: skip
        for _ in range(100):
            if pulse_running():
                break
            time.sleep(0.1)
    if "module-suspend-on-idle" in pactl("list", "short", "modules"):
        # idle null sinks would be suspended and their monitors record nothing
        pactl("unload-module", "module-suspend-on-idle")
    sinks = pactl("list", "short", "sinks")
    for name, rate in ((MIC_SINK, 16000), (SPEAKER_SINK, SPEAKER_RATE)):
        if name not in sinks:
            pactl("load-module", "module-null-sink", f"sink_name={name}",
                  f"rate={rate}", "channels=1")  # fmt: skip


ECHO_MIC = "assistant_test_ec_mic"
ECHO_SPEAKER = "assistant_test_ec_speaker"


@contextmanager
def echo(cancel: bool = True) -> Iterator[dict[str, str]]:
    """The speaker heard back by the microphone at full level (a loopback), and
    with ``cancel`` PulseAudio's WebRTC echo canceller between them, as a Linux
    speaker would set it up (README: Echo cancellation); yields the assistant's
    PULSE_SOURCE and PULSE_SINK."""
    loaded = [pactl("load-module", "module-loopback", f"source={SPEAKER_SINK}.monitor",
                    f"sink={MIC_SINK}", "latency_msec=40").strip()]  # fmt: skip
    devices = {"PULSE_SOURCE": f"{MIC_SINK}.monitor", "PULSE_SINK": SPEAKER_SINK}
    try:
        if cancel:
            loaded.append(pactl(
                "load-module", "module-echo-cancel", "aec_method=webrtc",
                f"source_master={MIC_SINK}.monitor", f"sink_master={SPEAKER_SINK}",
                f"source_name={ECHO_MIC}", f"sink_name={ECHO_SPEAKER}",
                "rate=16000", "channels=1",
                'aec_args="analog_gain_control=0 digital_gain_control=0"',
            ).strip())  # fmt: skip
            devices = {"PULSE_SOURCE": ECHO_MIC, "PULSE_SINK": ECHO_SPEAKER}
        yield devices
    finally:
        for module in reversed(loaded):
            pactl("unload-module", module)


def stop_pulse() -> None:
    subprocess.run(["pulseaudio", "-k"], check=False, timeout=20)
    for _ in range(100):
        if not pulse_running():
            return
        time.sleep(0.1)


def play(path: Path) -> None:
    """Speak into the assistant's microphone (returns when the audio has played)."""
    done = subprocess.run(
        ["paplay", f"--device={MIC_SINK}", str(path)],
        stderr=subprocess.PIPE, text=True, timeout=60,
    )  # fmt: skip
    if done.returncode:
        log = PULSE_LOG.read_text().splitlines()[-15:] if PULSE_LOG.exists() else []
        raise AssertionError(
            f"paplay {path.name} failed ({done.stderr.strip()}); "
            f"PulseAudio running: {pulse_running()}; its log ends:\n" + "\n".join(log)
        )


@contextmanager
def record_speaker() -> Iterator[Callable[[], np.ndarray]]:
    """Record what the assistant plays; the callable ends the recording, returns it."""
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"speaker-{os.getpid()}.raw"
    with path.open("wb") as out:
        proc = subprocess.Popen(
            ["parec", f"--device={SPEAKER_SINK}.monitor", "--raw", "--format=s16le",
             f"--rate={SPEAKER_RATE}", "--channels=1", "--latency-msec=20"],
            stdout=out,
        )  # fmt: skip

        def finish() -> np.ndarray:
            time.sleep(0.3)  # the last audio reaches the monitor
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=5)
            return np.fromfile(path, dtype="<i2")

        try:
            # parec is recording before anything plays: a fresh monitor
            # source was seen to start delivering only after about 2 s
            deadline = time.monotonic() + 10
            while path.stat().st_size == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.1)
            yield finish
        finally:
            finish()
            path.unlink(missing_ok=True)


def active_spans(
    samples: np.ndarray, threshold: float = 300.0
) -> list[tuple[float, float]]:
    """(start, end) seconds of sound, joining gaps shorter than 0.3 s."""
    frame = SPEAKER_RATE // 50
    frames = (
        samples[: len(samples) // frame * frame].astype(np.float64).reshape(-1, frame)
    )
    loud = np.sqrt((frames**2).mean(axis=1)) > threshold
    spans: list[tuple[float, float]] = []
    for index in np.flatnonzero(loud):
        start, end = index * 0.02, (index + 1) * 0.02
        if spans and start - spans[-1][1] < 0.3:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


class LiveAssistant:
    """`assistant run --json` in the background, its events and log lines collected."""

    def __init__(
        self, config: Path, port: int, prefix: tuple[str, ...] = (), **extra_env: str
    ) -> None:
        env = {
            **os.environ,
            # a test's own state (a mute, a learned phrasing) beside its config:
            # kept across a restart within the test, never seen by another test
            "STATE_DIRECTORY": str(config.parent / "state"),
            "PULSE_SOURCE": f"{MIC_SINK}.monitor",
            "PULSE_SINK": SPEAKER_SINK,
            "PYTHONFAULTHANDLER": "1",  # SIGABRT prints every thread's stack
            **extra_env,
        }
        debug = ["--debug"] if os.environ.get("ASSISTANT_TEST_DEBUG") else []
        self.events: list[dict[str, Any]] = []
        self.log: list[str] = []
        self._cond = threading.Condition()
        self.proc = subprocess.Popen(
            [*prefix, sys.executable, "-m", "assistant", *debug, "run",
             "--config", str(config),
             "--mqtt-host", "127.0.0.1", "--mqtt-port", str(port), "--json"],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        threading.Thread(
            target=self._read, args=(self.proc.stdout, True), daemon=True
        ).start()
        threading.Thread(
            target=self._read, args=(self.proc.stderr, False), daemon=True
        ).start()

    def _read(self, stream: Any, events: bool) -> None:
        for line in stream:
            with self._cond:
                if events:
                    self.events.append(json.loads(line))
                else:
                    self.log.append(line.rstrip("\n"))
                self._cond.notify_all()

    def wait_log(self, text: str, timeout: float = 60.0, count: int = 1) -> None:
        with self._cond:
            ok = self._cond.wait_for(
                lambda: (
                    sum(text in line for line in self.log) >= count
                    or self.proc.poll() is not None
                ),
                timeout,
            )
            ok = ok and sum(text in line for line in self.log) >= count
        if not ok and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGABRT)  # where is it stuck?
            time.sleep(2)
        assert ok, f"no log line {text!r} in:\n" + "\n".join(self.log)

    def wait_event(
        self, kind: str, timeout: float = 30.0, after: int = 0
    ) -> dict[str, Any]:
        with self._cond:
            self._cond.wait_for(
                lambda: any(e["type"] == kind for e in self.events[after:]), timeout
            )
            found = [e for e in self.events[after:] if e["type"] == kind]
        assert found, f"no {kind} event; events: {[e['type'] for e in self.events]}"
        return found[0]

    def heard(self) -> str:
        """What it transcribed and its warnings, for a failing test's message."""
        texts = [e.get("text") for e in self.events if e["type"] == "stt-end"]
        warnings = [line for line in self.log if "WARNING" in line or "ERROR" in line]
        return f"heard {texts}; " + "; ".join(warnings[-5:])

    def ready(self) -> LiveAssistant:
        self.wait_log("Microphone")
        self.wait_log("Ready")
        time.sleep(0.5)
        return self

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def write_config(folder: Path, extra: str = "") -> Path:
    """A config.toml using this checkout's models, plus ``extra`` TOML."""
    path = folder / "config.toml"
    path.write_text(f'[models]\ndir = "{ROOT / "models"}"\n{extra}')
    return path


@contextmanager
def running(
    config: Path, port: int, prefix: tuple[str, ...] = (), **env: str
) -> Iterator[LiveAssistant]:
    """`assistant run` ready to listen; stopped afterwards, whatever happens."""
    assistant = LiveAssistant(config, port, prefix, **env)
    try:
        yield assistant.ready()
    finally:
        assistant.stop()


def have_pulseaudio() -> bool:
    return all(
        shutil.which(tool) for tool in ("pulseaudio", "pactl", "paplay", "parec")
    )


def chime_times(samples: np.ndarray, hz: tuple[int, ...]) -> list[float]:
    """Seconds at which a chord of the ``hz`` tones starts sounding (over speech
    too): each tone's peak stands far above the rest of the spectrum."""
    frame = SPEAKER_RATE // 20
    count = len(samples) // frame
    frames = samples[: count * frame].astype(np.float64).reshape(count, frame)
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(frame), axis=1))
    freqs = np.fft.rfftfreq(frame, 1 / SPEAKER_RATE)
    overall = spectrum[:, (freqs > 200) & (freqs < 4000)].mean(axis=1) + 1.0
    hit = np.ones(count, dtype=bool)
    for tone in hz:
        peak = spectrum[:, np.abs(freqs - tone) < 30].max(axis=1)
        hit &= (peak > 8 * overall) & (peak > 2e5)
    times: list[float] = []
    for index in np.flatnonzero(hit):
        start = index * frame / SPEAKER_RATE
        if not times or start - times[-1] > 2.0:
            times.append(start)
    return times


def other_sound(samples: np.ndarray, at: float, hz: tuple[int, ...]) -> float:
    """Mean spectrum level around ``at`` seconds outside the ``hz`` tones: about
    0 when only the chime plays, high when speech plays with it."""
    window = samples[int(at * SPEAKER_RATE) : int((at + 1.2) * SPEAKER_RATE)]
    spectrum = np.abs(np.fft.rfft(window.astype(np.float64) * np.hanning(len(window))))
    freqs = np.fft.rfftfreq(len(window), 1 / SPEAKER_RATE)
    keep = (freqs > 150) & (freqs < 4000)
    for tone in hz:
        keep &= np.abs(freqs - tone) > 60
    return float(spectrum[keep].mean())
