"""``assistant eval DIR``: every labelled clip through the whole assistant.

Each home of the labels gets a private broker with its retained discovery and states
(a passive home: commands are not echoed, so states and answers stay as labelled),
and one assistant, reused for its clips. Clips without a home run on a read-only
copy of the configured home, or with ``--live`` on the configured broker itself.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import dataclasses
import json
import logging
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import IO, Any

from .app import Assistant, build_assistant, overrides_adjuster, registry_from_config
from .audio import SAMPLE_RATE, SAMPLE_WIDTH, read_wav
from .broker import HOST, EmbeddedBroker
from .config import Config, DebugConfig
from .discovery import DiscoveryError, entities_from_discovery, parse_discovery_topic
from .errors import AssistantError
from .eval_report import ClipResult, build_report, format_report
from .eval_snapshot import own_discovery_topics, publish_home, snapshot_home
from .evaluate import (
    HOMES_DIR,
    EvalError,
    ExpectCommand,
    ExpectIgnore,
    HomeFile,
    Label,
    Observation,
    classify,
    load_home,
    load_labels,
    match_commands,
)
from .metrics import COMMAND_STAGES

_LOGGER = logging.getLogger(__name__)

LEARN_TIMEOUT_SECONDS = 15.0
"""How long the assistant may take to learn a home's devices."""


def _reset(assistant: Assistant) -> None:
    """Forget the conversation: an open question, the last command, a choice."""
    pipeline: Any = assistant.pipeline
    reset = getattr(getattr(pipeline, "cascade", None), "reset", None)
    if callable(reset):
        reset()
        return
    pipeline.cancel_confirmation()
    pipeline.session.end()


def _freeze_learning(assistant: Assistant) -> None:
    """A "yes" during the run must not teach a phrasing: later clips would
    depend on the order (the user's file is a copy anyway)."""
    cascade: Any = getattr(assistant.pipeline, "cascade", None)
    thresholds = getattr(cascade, "thresholds", None)
    if thresholds is not None and hasattr(thresholds, "learn"):
        cascade.thresholds = dataclasses.replace(thresholds, learn=False)


def _state_keeper(assistant: Assistant) -> Callable[[], None]:
    """Puts every device state back as learned (undoing optimistic updates)."""
    registry = assistant.registry
    saved = {
        e.entity_id: copy.deepcopy(registry.state(e.entity_id))
        for e in registry.entities()
    }

    def restore() -> None:
        for entity_id, state in saved.items():
            live = registry.state(entity_id)
            for item in dataclasses.fields(state):
                setattr(live, item.name, copy.deepcopy(getattr(state, item.name)))

    return restore


def user_answer(label: Label, pending: list[tuple[str, str]]) -> str:
    """What the speaker of the clip would answer to the question: "yes" when a
    "yes" would send what they asked for, else "no"."""
    if not isinstance(label.expect, ExpectCommand):
        return "no"
    missing, extra = match_commands(label.expect.commands, pending)
    return "yes" if not missing and not extra else "no"


async def observe(
    pipeline: Any, pcm: bytes, answer: str | Callable[[list[tuple[str, str]]], str]
) -> Observation:
    """Run one clip; a question is answered with ``answer`` (or what it returns
    for the commands a "yes" would send), typed."""
    result = await pipeline.run_audio(pcm)
    heard = result.transcript is not None
    obs = Observation(
        woke=result.wake_word is not None,
        wakes=int(result.wake_word is not None),
        seconds=len(pcm) / SAMPLE_WIDTH / SAMPLE_RATE,
        transcript=result.transcript,
        commands=[(c.topic, c.payload) for c in result.commands],
        reply=result.response,
        asked=result.awaiting_confirmation,
        latency_ms=result.timings_ms["total_after_speech_end"] if heard else None,
        stages_ms={k: result.timings_ms.get(k, 0.0) for k in COMMAND_STAGES if heard},
        path=result.path if heard else None,
        early=result.early,
        confidence=result.confidence if heard else None,
        error=result.error,
    )
    if result.awaiting_confirmation:
        if callable(answer):
            cascade = getattr(pipeline, "cascade", None)
            waiting = cascade.pending_commands if cascade is not None else []
            answer = answer([(c.topic, c.payload) for c in waiting])
        second = await pipeline.run_text(answer)
        obs.answer, obs.answer_reply = answer, second.response
        obs.commands += [(c.topic, c.payload) for c in second.commands]
        obs.error = obs.error or second.error
    return obs


async def observe_through(pipeline: Any, pcm: bytes) -> Observation:
    """Run a clip that should not wake it to its end: every wake and command."""
    results = await pipeline.run_audio_through(pcm)
    heard = [r.transcript for r in results if r.transcript is not None]
    return Observation(
        woke=bool(results),
        wakes=len(results),
        seconds=len(pcm) / SAMPLE_WIDTH / SAMPLE_RATE,
        transcript=" | ".join(heard) if heard else None,
        commands=[(c.topic, c.payload) for r in results for c in r.commands],
        reply=" | ".join(r.response for r in results if r.response) or None,
        asked=any(r.awaiting_confirmation for r in results),
        error=next((r.error for r in results if r.error), None),
    )


class Progress:
    """A bar on a terminal (``\\r`` updates), else a line every 10 %."""

    def __init__(self, total: int, stream: IO[str], bar: bool) -> None:
        self.total, self.done, self._stream, self._bar = total, 0, stream, bar
        self._tenth = 0

    def step(self, name: str) -> None:
        self.done += 1
        if self._bar:
            filled = 30 * self.done // self.total
            self._stream.write(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] "
                f"{self.done}/{self.total} {name[:24]:24}"
            )
        elif 10 * self.done // self.total > self._tenth:
            self._tenth = 10 * self.done // self.total
            pct = 100 * self.done // self.total
            self._stream.write(f"eval: {self.done}/{self.total} clips ({pct} %)\n")
        self._stream.flush()

    def close(self) -> None:
        if self._bar and self.done:
            self._stream.write("\n")
            self._stream.flush()


async def _run_clips(
    assistant: Assistant,
    labels: list[Label],
    directory: Path,
    progress: Progress,
    restore: Callable[[], None] | None,
) -> list[ClipResult]:
    results = []
    for label in labels:
        _reset(assistant)
        assistant.timers.cancel(*assistant.timers.running())
        if restore is not None:
            restore()
        try:
            pcm = await asyncio.to_thread(read_wav, directory / label.file)
        except AssistantError as err:
            results.append(ClipResult(label, "error", err.message, ran=False))
        else:
            try:
                if isinstance(label.expect, ExpectIgnore):
                    obs = await observe_through(assistant.pipeline, pcm)
                else:
                    obs = await observe(
                        assistant.pipeline, pcm, partial(user_answer, label)
                    )
            except Exception as err:  # one broken clip never stops the run
                _LOGGER.exception("Clip %s failed", label.name)
                obs = Observation(error=f"{type(err).__name__}: {err}")
            results.append(ClipResult(label, *classify(label, obs), obs=obs))
        done = results[-1]
        _LOGGER.info(
            "%s [%s] %s%s: heard %r, sent %s, said %r",
            label.name,
            label.category,
            done.outcome,
            f" ({done.detail})" * bool(done.detail),
            done.obs.transcript,
            done.obs.commands,
            done.obs.reply,
        )
        progress.step(label.name)
    return results


def expected_devices(cfg: Config, home: HomeFile) -> int:
    """How many devices the assistant learns from ``home`` and ``config.toml``."""
    adjust = overrides_adjuster(cfg)
    registry = registry_from_config(cfg, adjust)
    prefix, own = cfg.mqtt.discovery_prefix, own_discovery_topics(cfg)
    for topic, config in home.discovery.items():
        if topic in own or parse_discovery_topic(topic, prefix) is None:
            continue
        try:
            found = entities_from_discovery(topic, json.dumps(config).encode(), prefix)
        except DiscoveryError:
            continue
        if found:
            registry.replace_topic(topic, [adjust(e) for e in found])
    return len(registry.entities())


async def _learned(assistant: Assistant, expected: int, where: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LEARN_TIMEOUT_SECONDS
    while len(assistant.registry.entities()) < expected:
        if loop.time() > deadline:
            raise EvalError(
                f"{where}: the assistant learned {len(assistant.registry.entities())} "
                f"of the home's {expected} devices in {LEARN_TIMEOUT_SECONDS:.0f} s"
            )
        await asyncio.sleep(0.1)


async def _live(
    cfg: Config, labels: list[Label], directory: Path, progress: Progress
) -> list[ClipResult]:
    """On the configured broker: real devices move and report their states."""
    assistant = await build_assistant(cfg, speech=False, command="eval")
    try:
        _freeze_learning(assistant)
        return await _run_clips(assistant, labels, directory, progress, None)
    finally:
        await assistant.close()


async def _on_private_broker(
    cfg: Config,
    home: HomeFile,
    where: str,
    labels: list[Label],
    directory: Path,
    progress: Progress,
) -> list[ClipResult]:
    async with EmbeddedBroker() as port:
        await asyncio.to_thread(publish_home, HOST, port, home)
        mqtt = cfg.mqtt.model_copy(
            update={"host": HOST, "port": port, "username": None, "tls": False}
        )
        private = cfg.model_copy(update={"mqtt": mqtt})
        assistant = await build_assistant(private, speech=False, command="eval")
        try:
            await _learned(assistant, expected_devices(private, home), where)
            _freeze_learning(assistant)
            restore = _state_keeper(assistant)
            return await _run_clips(assistant, labels, directory, progress, restore)
        finally:
            await assistant.close()


def _eval_config(cfg: Config, data_dir: Path, live: bool) -> Config:
    """The user's config, its state files copied to ``data_dir`` (a shopping list
    or a learned phrasing changes the copy only), no debug recordings; live, also a
    client id of its own (the running service keeps its connection), no Hermes."""
    if cfg.data_dir.is_dir():
        shutil.copytree(cfg.data_dir, data_dir, dirs_exist_ok=True)
    update: dict[str, Any] = {
        "storage": cfg.storage.model_copy(update={"dir": str(data_dir)}),
        "debug": DebugConfig(),
    }
    if live:
        client_id = f"{cfg.mqtt.client_id}-eval"
        update["mqtt"] = cfg.mqtt.model_copy(update={"client_id": client_id})
        update["homeassistant"] = cfg.homeassistant.model_copy(update={"hermes": False})
    return cfg.model_copy(update=update)


def select(
    labels: list[Label], categories: list[str], limit: int | None
) -> list[Label]:
    if categories:
        labels = [label for label in labels if label.category in categories]
        if not labels:
            raise EvalError(f"no clip of category {', '.join(categories)}")
    if limit is not None and limit < 1:
        raise EvalError("--limit: must be at least 1")
    return labels[:limit] if limit else labels


async def run_eval(
    cfg: Config,
    directory: Path,
    *,
    categories: Sequence[str] = (),
    limit: int | None = None,
    live: bool = False,
    as_json: bool = False,
    report_path: Path | None = None,
    progress_stream: IO[str] = sys.stderr,
) -> int:
    """Run the clips of ``directory``, print the report; 0 once it ran."""
    found = [label for _, label in load_labels(directory)]
    labels = select(found, list(categories), limit)
    names = dict.fromkeys(label.home for label in labels if label.home)
    homes = {name: load_home(directory, name) for name in names}
    groups: dict[str | None, list[Label]] = {}
    for label in labels:
        groups.setdefault(label.home, []).append(label)
    if None in groups and live:
        print(
            f"assistant eval: --live: {len(groups[None])} clips run on the broker at "
            f"{cfg.mqtt.host}:{cfg.mqtt.port} for real: your devices will move",
            file=sys.stderr,
        )
    verbose = _LOGGER.isEnabledFor(logging.INFO)
    bar = progress_stream.isatty() and not verbose
    progress = Progress(len(labels), progress_stream, bar)
    results: list[ClipResult] = []
    with tempfile.TemporaryDirectory(prefix="assistant-eval-") as data:
        base = _eval_config(cfg, Path(data) / "data", live)
        try:
            for name, group in groups.items():
                if name is None and live:
                    results += await _live(base, group, directory, progress)
                    continue
                home = homes[name] if name else await snapshot_home(base)
                where = f"the copy of your home ({cfg.mqtt.host}:{cfg.mqtt.port})"
                if name:
                    where = str(directory / HOMES_DIR / f"{name}.json")
                results += await _on_private_broker(
                    base, home, where, group, directory, progress
                )
        finally:
            progress.close()
    order = {id(label): index for index, label in enumerate(labels)}
    report = build_report(sorted(results, key=lambda r: order[id(r.label)]))
    text = json.dumps(report, indent=1)
    print(text if as_json else format_report(report), flush=True)
    if report_path is not None:
        try:
            report_path.write_text(text + "\n", "utf-8")
        except OSError as err:
            raise EvalError(f"--report {report_path}: {err.strerror or err}") from None
    return 0


async def eval_command(args: argparse.Namespace, cfg: Config) -> int:
    """``assistant eval``: quiet logs unless -v; the run, or --record."""
    if not args.debug:
        level = logging.INFO if args.verbose else logging.WARNING
        for name in ("assistant", "faster_whisper"):
            logging.getLogger(name).setLevel(level)
    if args.record:
        from .eval_record import record_labels

        return await record_labels(cfg, args.dir)
    return await run_eval(
        cfg,
        args.dir,
        categories=args.category,
        limit=args.limit,
        live=args.live,
        as_json=args.json,
        report_path=args.report,
    )
