"""Building the label lists: pick balanced utterances per category from the
candidates, give each a voice, a speed and a noise, and write ``<split>.jsonl``."""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from .ha import load_homes
from .negatives import near_miss, no_wake, unknown, unsupported
from .paraphrases import paraphrases
from .sentences import Item, answers, direct, skills

CORPUS_DIR = Path(__file__).resolve().parent
SPLITS = ("dev", "test")
SPLIT_HOMES = {"dev": ("cottage", "flat"), "test": ("cottage", "flat", "farmhouse")}
"""The farmhouse is never heard in dev."""
QUOTAS = {"direct": 135, "paraphrase": 75, "answer": 85, "unsupported": 40,
          "unknown": 45, "near_miss": 35, "no_wake": 35}  # fmt: skip
CATEGORIES = tuple(QUOTAS)

# (voice, weight); voice strings are parsed by voices.Voice.parse
_SHARED_VOICES = (
    ("piper:joe", 6), ("espeak:en-us:165:50", 2), ("espeak:en-gb:150:40", 2),
    ("espeak:en-gb-scotland:150:40", 2), ("espeak:en-gb-x-rp:155:45", 2),
    ("espeak:en+f3:150:60", 2), ("espeak:en-us+m7:165:35", 2),
    ("espeak:en+klatt:150:50", 1), ("espeak1:en-us:160:50", 2), ("flite:slt", 2),
    ("flite:rms", 2), ("festival:kal_diphone", 2),
    ("festival:cmu_us_slt_arctic_hts", 2),
)  # fmt: skip
VOICES = {
    "dev": (*_SHARED_VOICES, ("espeak:en-029:150:55", 2), ("flite:kal16", 2),
            ("espeak1:en-sc:150:45", 2)),
    "test": (*_SHARED_VOICES, ("flite:awb", 2), ("festival:ked_diphone", 2),
             ("espeak:en-gb-x-gbcwmd+f2:155:55", 2), ("flite:kal", 1)),
}  # fmt: skip
"""Test-only voices: flite awb, festival ked, espeak West Midlands female, flite's
8 kHz kal."""
SPEEDS = ((1.0, 5), (0.85, 2), (1.15, 2), (1.3, 1))
NOISES = (("none", 8), ("white:20", 2), ("pink:20", 2), ("babble:20", 2),
          ("white:10", 1), ("pink:10", 2), ("babble:10", 2), ("white:5", 1),
          ("pink:5", 1), ("babble:5", 1))  # fmt: skip


def normalize(text: str) -> str:
    words = re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split()
    if words[:2] == ["hey", "jarvis"]:
        words = words[2:]
    return " ".join(words)


def candidates(split: str, rng: random.Random) -> dict[str, list[Item]]:
    homes = load_homes(list(SPLIT_HOMES[split]))
    found: dict[str, list[Item]] = defaultdict(list)
    for name, home in homes.items():
        commands = direct(home, split)
        found["direct"] += commands
        found["paraphrase"] += paraphrases(home, split, rng)
        found["answer"] += answers(home, split) + skills(split, name)
        found["unsupported"] += unsupported(home, split)
        found["unknown"] += unknown(home, split)
        found["near_miss"] += near_miss(home, split, commands, rng)
        found["no_wake"] += no_wake(home, split, commands, rng)
    return found


def pick(
    items: list[Item], count: int, rng: random.Random, taken: set[str]
) -> list[Item]:
    """``count`` items spread evenly over (home, key), none whose words are taken."""
    groups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in items:
        groups[(item.home, item.key)].append(item)
    order = sorted(groups)
    rng.shuffle(order)
    for key in order:
        rng.shuffle(groups[key])
    chosen: list[Item] = []
    while len(chosen) < count and any(groups[k] for k in order):
        for key in order:
            while groups[key]:
                item = groups[key].pop()
                words = normalize(item.text)
                if words not in taken:
                    taken.add(words)
                    chosen.append(item)
                    break
            if len(chosen) == count:
                break
    return chosen


def weighted_cycle(
    choices: tuple[tuple[str, int], ...] | tuple[tuple[float, int], ...],
    count: int,
    rng: random.Random,
) -> list[Any]:
    """``count`` values in the proportions of the weights, shuffled."""
    pool: list[Any] = [value for value, weight in choices for _ in range(weight)]
    out = [pool[i % len(pool)] for i in range(count)]
    rng.shuffle(out)
    return out


def spoken(item: Item, rng: random.Random) -> str:
    end = "?" if item.question else "."
    if item.extra.get("verbatim"):
        return item.text + end
    text = item.text
    if text.split()[0].split("'")[0] != "I":
        text = text[:1].lower() + text[1:]
    return f"Hey Jarvis{rng.choice((',', ',', ',', ''))} {text}{end}"


def build(split: str, seed: int, taken: set[str]) -> list[dict[str, Any]]:
    """The label list of ``split``; ``taken`` (normalized texts of the splits built
    before) keeps its sentences apart from theirs, and grows."""
    rng = random.Random(f"corpus:{seed}:{split}")
    found = candidates(split, rng)
    chosen = [
        item for category in CATEGORIES
        for item in pick(found[category], QUOTAS[category], rng, taken)
    ]  # fmt: skip
    return labelled(chosen, split, split, rng)


def labelled(
    chosen: list[Item], split: str, prefix: str, rng: random.Random
) -> list[dict[str, Any]]:
    """The rows of ``chosen``, shuffled: each with an id (``<prefix>-0042``), the
    split's voices, and speeds and noises, spread by weight."""
    rng.shuffle(chosen)
    voices = weighted_cycle(VOICES[split], len(chosen), rng)
    speeds = weighted_cycle(SPEEDS, len(chosen), rng)
    noises = weighted_cycle(NOISES, len(chosen), rng)
    rows = []
    for index, item in enumerate(chosen):
        ident = f"{prefix}-{index:04d}"
        rows.append({
            "id": ident, "file": f"{ident}.wav", "home": item.home,
            "category": item.category, "text": spoken(item, rng),
            "voice": voices[index], "speed": speeds[index], "noise": noises[index],
            "expect": item.expect,
        })  # fmt: skip
    return rows


def write(rows: list[dict[str, Any]], path: Path) -> None:
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_list(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def build_all(seed: int) -> dict[str, list[dict[str, Any]]]:
    taken: set[str] = set()
    return {split: build(split, seed, taken) for split in SPLITS}
