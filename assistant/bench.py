"""``assistant bench``: per-stage latency, accuracy and memory on the sample home."""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from .app import build_assistant
from .audio import read_wav
from .broker import HOST, EmbeddedBroker
from .config import Config
from .heap import release_memory
from .result import TIMING_KEYS, RunResult
from .sample_home import HomeSimulator
from .synth import add_noise, espeak_available, espeak_pcm, piper_pcm, silence

_LOGGER = logging.getLogger(__name__)

# (command after the wake word, expected topic, expected payload); None: no command
BENCH_COMMANDS: tuple[tuple[str, str | None, str | None], ...] = (
    ("turn on the kitchen light", "home/kitchen/light/set", "ON"),
    ("turn off the TV", "home/living_room/tv/set", "OFF"),
    (
        "set the bedroom lamp to 40 percent",
        "zigbee2mqtt/bedroom_lamp/set",
        '{"state":"ON","brightness":102}',
    ),
    ("close the garage door", "home/garage/door/set", "CLOSE"),
    (
        "set the living room thermostat to 21 degrees",
        "home/living_room/thermostat/target/set",
        "21.0",
    ),
    ("is the front door locked", None, None),
    # paraphrases the rules do not know: the LLM path (any payload when None)
    ("the kitchen could do with some light", "home/kitchen/light/set", "ON"),
    ("nobody is watching the television", "home/living_room/tv/set", "OFF"),
    ("shut the garage for the night", "home/garage/door/set", "CLOSE"),
    (
        "it's freezing in the living room",
        "home/living_room/thermostat/target/set",
        None,
    ),
)
# (label, engine, parameter): piper length scale or espeak voice
VOICES: tuple[tuple[str, str, Any], ...] = (
    ("piper", "piper", None),
    ("piper-fast", "piper", 0.8),
    ("espeak-us", "espeak", ("en-us", 165, 50)),
    ("espeak-f3-noisy", "espeak", ("en+f3", 150, 60)),
)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _rss_mb() -> float:
    """Peak RSS of this process (the test speech it synthesized included)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_now_mb() -> float:
    """Resident memory now: the loaded assistant after the runs."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def run_bench(cfg: Config, files: list[Path], runs: int, as_json: bool) -> int:
    async with EmbeddedBroker() as port:
        home = HomeSimulator(HOST, port)
        await asyncio.to_thread(home.start)
        cfg = cfg.model_copy(
            update={"mqtt": cfg.mqtt.model_copy(update={"host": HOST, "port": port})}
        )
        assistant = await build_assistant(cfg, command="bench")
        try:
            cases = await asyncio.to_thread(_cases, assistant, files)
            report = await _measure(assistant, cases, runs)
        finally:
            await assistant.close()
            await asyncio.to_thread(home.stop)
    _print(report, as_json)
    return 0


def _cases(
    assistant: Any, files: list[Path]
) -> list[tuple[str, bytes, tuple[str | None, str | None] | None]]:
    if files:
        return [(str(path), read_wav(path), None) for path in files]
    tts = assistant.pipeline.tts
    cases: list[tuple[str, bytes, tuple[str | None, str | None] | None]] = []
    for label, engine, param in VOICES:
        if engine == "espeak" and not espeak_available():
            _LOGGER.warning("espeak-ng not installed: skipping voice %s", label)
            continue
        for index, (text, topic, payload) in enumerate(BENCH_COMMANDS):
            spoken = f"Hey Jarvis, {text}."
            if engine == "piper":
                pcm = piper_pcm(tts, spoken, param)
            else:
                voice, speed, pitch = param
                pcm = espeak_pcm(spoken, voice, speed, pitch)
            pcm = silence(0.5) + pcm + silence(0.3)
            if "noisy" in label:
                pcm = add_noise(pcm, snr_db=15, seed=index)
            cases.append((f"{label}: {text}", pcm, (topic, payload)))
    return cases


async def _measure(assistant: Any, cases: list[Any], runs: int) -> dict[str, Any]:
    timings: dict[str, list[float]] = {key: [] for key in TIMING_KEYS}
    correct = total = 0
    misses: list[str] = []
    llm_ms: list[float] = []
    llm_tokens: list[int] = []
    rules_ms: list[float] = []
    started = time.perf_counter()
    for run in range(runs):
        for index, (label, pcm, expected) in enumerate(cases, 1):
            result: RunResult = await assistant.pipeline.run_audio(pcm)
            release_memory()  # as the service does between commands
            _LOGGER.info(
                "run %d/%d [%d/%d] %s -> %r (%.0f ms)",
                run + 1,
                runs,
                index,
                len(cases),
                label,
                result.transcript,
                result.timings_ms["total_after_speech_end"],
            )
            if result.transcript is not None:
                for key in TIMING_KEYS:
                    timings[key].append(result.timings_ms[key])
            if result.path == "llm":
                llm_ms.append(result.timings_ms["total_after_speech_end"])
                llm_tokens.append(result.llm_tokens)
            elif result.transcript is not None:
                rules_ms.append(result.timings_ms["total_after_speech_end"])
            if expected is None or run > 0:
                continue
            total += 1
            topic, payload = expected
            got = [(c.topic, c.payload) for c in result.commands]
            want = [(topic, payload or (got[0][1] if got else ""))] if topic else []
            ok = got == want and result.response is not None
            ok = ok and (topic is not None or (result.intent is not None))
            correct += ok
            if not ok:
                misses.append(f"{label}: heard {result.transcript!r}, sent {got}")
    return {
        "utterances": len(cases),
        "runs": runs,
        "seconds": round(time.perf_counter() - started, 1),
        "stages_ms": {
            key: {
                "p50": round(statistics.median(values), 1) if values else 0.0,
                "p90": round(_percentile(values, 0.9), 1),
                "max": round(max(values), 1) if values else 0.0,
            }
            for key, values in timings.items()
        },
        "accuracy": {"correct": correct, "total": total, "misses": misses},
        "rules_path": {
            "requests": len(rules_ms),
            "speech_end_to_command_ms_p50": round(statistics.median(rules_ms), 1)
            if rules_ms
            else 0.0,
            "speech_end_to_command_ms_p90": round(_percentile(rules_ms, 0.9), 1),
        },
        "llm_path": {
            "requests": len(llm_ms),
            "speech_end_to_command_ms_p50": round(statistics.median(llm_ms), 1)
            if llm_ms
            else 0.0,
            "speech_end_to_command_ms_max": round(max(llm_ms, default=0.0), 1),
            "tokens_evaluated_per_request_p50": statistics.median(llm_tokens)
            if llm_tokens
            else 0,
            "tokens_evaluated_per_request_max": max(llm_tokens, default=0),
            "prompt_prefix_tokens": assistant.llm.worker.prefix_tokens
            if assistant.llm
            else 0,
        },
        "rss_peak_mb": round(_rss_mb(), 1),
        "rss_after_runs_mb": round(_rss_now_mb(), 1),
    }


def _print(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"{report['utterances']} utterances x {report['runs']} runs "
        f"in {report['seconds']} s"
    )
    print(f"{'stage':26}{'p50 ms':>10}{'p90 ms':>10}{'max ms':>10}")
    for key, row in report["stages_ms"].items():
        print(f"{key:26}{row['p50']:>10.1f}{row['p90']:>10.1f}{row['max']:>10.1f}")
    acc = report["accuracy"]
    if acc["total"]:
        print(
            f"accuracy: {acc['correct']}/{acc['total']} utterances did the right thing "
            f"({100 * acc['correct'] / acc['total']:.0f} %)"
        )
        for miss in acc["misses"]:
            print(f"  miss: {miss}")
    rules = report["rules_path"]
    if rules["requests"]:
        print(
            f"rules path: {rules['requests']} requests, end of speech -> command "
            f"p50 {rules['speech_end_to_command_ms_p50']:.0f} ms "
            f"(p90 {rules['speech_end_to_command_ms_p90']:.0f})"
        )
    llm = report["llm_path"]
    if llm["requests"]:
        print(
            f"LLM path: {llm['requests']} requests, end of speech -> command "
            f"p50 {llm['speech_end_to_command_ms_p50']:.0f} ms "
            f"(max {llm['speech_end_to_command_ms_max']:.0f}); tokens evaluated per "
            f"request p50 {llm['tokens_evaluated_per_request_p50']} "
            f"(max {llm['tokens_evaluated_per_request_max']}), "
            f"cached prompt prefix {llm['prompt_prefix_tokens']} tokens"
        )
    print(
        f"RSS after the runs: {report['rss_after_runs_mb']:.0f} MB "
        f"(peak {report['rss_peak_mb']:.0f} MB, with the test speech it synthesized)"
    )
