"""Make the evaluation corpus.

python -m tests.corpus.make lists --seed 1234
    writes tests/corpus/dev.jsonl and test.jsonl (test.jsonl is frozen: an
    existing one that would change is kept unless --force)
python -m tests.corpus.make domains --seed 1234
    writes tests/corpus/dev-domains.jsonl and test-domains.jsonl, the lists of
    the newer domains (see domains.py; test-domains.jsonl is frozen likewise)
python -m tests.corpus.make audio SPLIT OUT [--limit N] [--only-available]
    synthesizes the WAVs of tests/corpus/SPLIT.jsonl (SPLIT: dev, test,
    dev-domains, test-domains) into OUT, with OUT/labels.jsonl and the homes its
    rows use in OUT/homes/*.json, for ``assistant eval OUT``
python -m tests.corpus.make pauses SPLIT OUT [--pause 0.3]
    the split's direct commands said with a pause inside them (see pauses.py)
python -m tests.corpus.make background SPLIT OUT [--minutes 30]
    one-minute WAVs of talk, television and music with no wake word in them, for
    ``assistant eval OUT``: false wakes per hour (see background.py)
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import time
import zlib
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError

from . import domains
from .lists import (
    CATEGORIES,
    CORPUS_DIR,
    build,
    build_all,
    normalize,
    read_list,
    write,
)
from .noise import babble_missing, joined, mix, normalize_level
from .pauses import PAUSE_MARK, pause_rows
from .voices import Speaker, Voice, missing

_LOGGER = logging.getLogger(__name__)

LEAD_SECONDS, TAIL_SECONDS = 0.5, 0.3
"""Silence before and after the speech, as ``assistant bench`` does."""


class CorpusError(Exception):
    """A one-line reason the command cannot go on."""


def make_lists(seed: int, force: bool, dev_only: bool) -> None:
    """Both lists, or only dev (kept apart from the frozen test list's sentences).
    Nothing is written when the frozen test list would change."""
    frozen = CORPUS_DIR / "test.jsonl"
    if dev_only:
        if not frozen.exists():
            raise CorpusError(
                f"{frozen}: no such file (run `lists` without --dev-only)"
            )
        taken = {normalize(row["text"]) for row in read_list(frozen)}
        lists = {"dev": build("dev", seed, taken)}
    else:
        lists = build_all(seed)
        if frozen.exists() and read_list(frozen) != lists["test"] and not force:
            raise CorpusError(
                f"{frozen} is frozen and would change (seed {seed}); nothing written. "
                "Use --dev-only to remake dev alone, --force only for a new test set"
            )
    for split, rows in lists.items():
        path = CORPUS_DIR / f"{split}.jsonl"
        write(rows, path)
        counts = Counter(row["category"] for row in rows)
        _LOGGER.info("%s: %d utterances %s", path.name, len(rows), dict(counts))


def make_domain_lists(seed: int, force: bool, dev_only: bool) -> None:
    """``dev-domains.jsonl`` and ``test-domains.jsonl`` (see domains.py), or only
    dev; the same freezing rule as ``make_lists``."""
    frozen = CORPUS_DIR / "test-domains.jsonl"
    if dev_only:
        if not frozen.exists():
            raise CorpusError(
                f"{frozen}: no such file (run `domains` without --dev-only)"
            )
        taken = {normalize(row["text"]) for row in read_list(frozen)}
        lists = {"dev": domains.build("dev", seed, taken)}
    else:
        lists = domains.build_all(seed)
        if frozen.exists() and read_list(frozen) != lists["test"] and not force:
            raise CorpusError(
                f"{frozen} is frozen and would change (seed {seed}); nothing written. "
                "Use --dev-only to remake dev alone, --force only for a new test set"
            )
    for split, rows in lists.items():
        path = CORPUS_DIR / f"{split}-domains.jsonl"
        write(rows, path)
        _LOGGER.info("%s: %d utterances", path.name, len(rows))


def stratified(rows: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """``limit`` rows, every category present, evenly spaced within each; in list
    order. The same list and limit always give the same slice."""
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_category[row["category"]].append(row)
    present = [c for c in (*CATEGORIES, *sorted(by_category)) if c in by_category]
    present = list(dict.fromkeys(present))
    if limit < len(present):
        raise CorpusError(f"--limit {limit}: need at least {len(present)} (categories)")
    quotas = {c: 1 for c in present}
    spare = limit - len(present)
    total = len(rows)
    for c in present:  # the rest in proportion to each category's size
        quotas[c] += min(len(by_category[c]) - 1, spare * len(by_category[c]) // total)
    left = limit - sum(quotas.values())
    for c in sorted(present, key=lambda c: -len(by_category[c])):
        if left <= 0:
            break
        room = len(by_category[c]) - quotas[c]
        quotas[c] += min(room, left)
        left -= min(room, left)
    keep = set()
    for c, group in by_category.items():
        step = len(group) / quotas.get(c, 1)
        keep |= {group[int((i + 0.5) * step)]["id"] for i in range(quotas.get(c, 0))}
    return [row for row in rows if row["id"] in keep]


def _list_path(split: str) -> Path:
    path = Path(split)
    if path.suffix == ".jsonl":
        return path
    return CORPUS_DIR / f"{split}.jsonl"


def _models_dir() -> Path:
    from assistant.config import load_config

    return load_config().models_dir


def make_audio(
    split: str,
    out: Path,
    limit: int | None,
    only_available: bool,
    pause: float | None = None,
) -> int:
    source = _list_path(split)
    if not source.exists():
        raise CorpusError(f"{source}: no such label list (run `lists` first)")
    rows = read_list(source)
    if pause is not None:
        rows = pause_rows(rows, pause)
    if limit is not None:
        rows = stratified(rows, limit)
    models_dir = _models_dir()
    reasons: dict[str, str | None] = {}

    def why_not(row: dict[str, Any]) -> str | None:
        """Why this clip cannot be made here (a missing engine), or None."""
        needs = [row["voice"]] + (
            ["babble"] if row["noise"].startswith("babble") else []
        )
        for need in needs:
            if need not in reasons:
                reasons[need] = (
                    babble_missing()
                    if need == "babble"
                    else missing(Voice.parse(need), models_dir)
                )
            if reasons[need]:
                return reasons[need]
        return None

    skipped = [(row, why) for row in rows if (why := why_not(row))]
    if skipped and not only_available:
        raise CorpusError(
            f"{skipped[0][1]}; {len(skipped)} of {len(rows)} clips need engines that "
            "are not installed (--only-available skips them)"
        )
    if skipped:
        for why in sorted({why for _, why in skipped}):
            _LOGGER.warning("Skipping clips: %s", why)
        _LOGGER.warning("Skipped %d of %d clips: engine not installed",
                        len(skipped), len(rows))  # fmt: skip
        dropped = {row["id"] for row, _ in skipped}
        rows = [row for row in rows if row["id"] not in dropped]
    out.mkdir(parents=True, exist_ok=True)
    homes = out / "homes"
    homes.mkdir(exist_ok=True)
    for name in sorted({r["home"] for r in rows}):
        shutil.copyfile(CORPUS_DIR / "homes" / f"{name}.json", homes / f"{name}.json")
    speaker = Speaker(models_dir)
    started = time.perf_counter()
    audio_seconds = 0.0
    labels = []
    for index, row in enumerate(rows, 1):
        seconds = synthesize(speaker, row, out / row["file"])
        audio_seconds += seconds
        labels.append({k: v for k, v in row.items() if k != "pause"})
        _LOGGER.info("[%d/%d] %s %.1f s  %s  %s %s", index, len(rows), row["file"],
                     seconds, row["voice"], row["noise"], row["text"])  # fmt: skip
    write(labels, out / "labels.jsonl")
    took = time.perf_counter() - started
    _LOGGER.info(
        "Wrote %d clips (%.0f s of audio) to %s in %.0f s (%.2f s per clip)",
        len(labels), audio_seconds, out, took, took / max(1, len(labels)),
    )  # fmt: skip
    return len(labels)


def synthesize(speaker: Speaker, row: dict[str, Any], path: Path) -> float:
    """One clip: speech (normalized), leading and trailing silence, noise; its
    length in seconds. The noise's seed comes from the id."""
    from assistant.audio import SAMPLE_RATE, write_wav
    from assistant.synth import silence

    voice = Voice.parse(row["voice"])
    parts = [speaker.pcm(voice, text, float(row["speed"]))
             for text in row["text"].split(PAUSE_MARK)]  # fmt: skip
    speech = normalize_level(joined(parts, row.get("pause", 0.0)))
    pcm = silence(LEAD_SECONDS) + speech + silence(TAIL_SECONDS)
    pcm = mix(pcm, row["noise"], zlib.crc32(row["id"].encode()))
    write_wav(path, pcm)
    return len(pcm) / 2 / SAMPLE_RATE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.corpus.make",
                                     description=__doc__.split("\n\n")[0])  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True)
    lists = commands.add_parser("lists", help="write dev.jsonl and test.jsonl")
    lists.add_argument("--seed", type=int, default=1234)
    lists.add_argument(
        "--force",
        action="store_true",
        help="overwrite a frozen test.jsonl that would change",
    )
    lists.add_argument(
        "--dev-only",
        action="store_true",
        help="remake dev.jsonl alone, apart from the frozen test.jsonl",
    )
    more = commands.add_parser(
        "domains", help="write dev-domains.jsonl and test-domains.jsonl"
    )
    more.add_argument("--seed", type=int, default=1234)
    more.add_argument(
        "--force",
        action="store_true",
        help="overwrite a frozen test-domains.jsonl that would change",
    )
    more.add_argument(
        "--dev-only",
        action="store_true",
        help="remake dev-domains.jsonl alone, apart from the frozen test list",
    )
    audio = commands.add_parser("audio", help="synthesize a split's WAVs")
    audio.add_argument(
        "split",
        help="dev, test, dev-domains, test-domains or a path to a .jsonl label list",
    )
    audio.add_argument("out", type=Path, help="output folder")
    audio.add_argument("--limit", type=int, help="a stratified slice of N clips")
    audio.add_argument(
        "--only-available",
        action="store_true",
        help="skip clips whose TTS engine is not installed",
    )
    pauses = commands.add_parser(
        "pauses", help="a split's direct commands said with a pause inside them"
    )
    pauses.add_argument("split", help="dev, test or a path to a .jsonl label list")
    pauses.add_argument("out", type=Path, help="output folder")
    pauses.add_argument("--pause", type=float, default=0.3, help="seconds")
    pauses.add_argument("--limit", type=int, help="a stratified slice of N clips")
    background = commands.add_parser(
        "background", help="long audio with no wake word (false wakes per hour)"
    )
    background.add_argument("split", choices=("dev", "test"))
    background.add_argument("out", type=Path, help="output folder")
    background.add_argument("--minutes", type=int, default=30)
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")  # fmt: skip
    try:
        if args.command == "lists":
            make_lists(args.seed, args.force, args.dev_only)
        elif args.command == "domains":
            make_domain_lists(args.seed, args.force, args.dev_only)
        elif args.command == "background":
            from .background import make_background

            make_background(args.out, args.split, args.minutes, _models_dir())
        elif args.command == "pauses":
            make_audio(args.split, args.out, args.limit, False, args.pause)
        else:
            make_audio(args.split, args.out, args.limit, args.only_available)
    except (CorpusError, AssistantError, ValueError, RuntimeError, OSError) as err:
        print(f"{parser.prog}: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
