"""Long background audio with no wake word in it, for false wakes per hour: people
reading and talking to each other, television (speech over music), music alone,
a quiet room, near misses ("hey Travis, ...") among them.

The words come from Debian's ``fortunes`` package (quotations, jokes, sayings:
plenty of ordinary English that nobody wrote for this project). As for the
commands, there is a ``dev`` and a ``test`` split: each has its own half of the
sentences, the voices of its split (``lists.VOICES``) and its own seed. Each file
is one minute, labelled ``ignore`` (category ``background``), so ``assistant
eval`` counts every time it woke and every command it sent, per hour of audio.
"""

from __future__ import annotations

import logging
import re
import shutil
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio import SAMPLE_RATE, to_float32, to_int16

from .lists import CORPUS_DIR, SPLIT_HOMES, VOICES, write
from .noise import normalize_level, pink, speech_rms
from .voices import Speaker, Voice, missing

_LOGGER = logging.getLogger(__name__)

FORTUNES = Path("/usr/share/games/fortunes")
FORTUNE_FILES = ("fortunes", "food", "kids", "literature", "people", "pets",
                 "wisdom", "work", "education", "humorists", "science", "sports",
                 "miscellaneous", "platitudes", "goedel")  # fmt: skip
"""Plain prose; the files of verse, art and definitions read badly aloud."""
WAKE = re.compile(r"\bjarv", re.IGNORECASE)
_PLAIN = re.compile(r"[A-Za-z0-9 ,.;:'!?\"()-]+")
NEAR_MISSES = (
    "Hey Travis, could you pass me the salt?", "Hey Marvin, are you coming tonight?",
    "Hey service, we've been waiting twenty minutes.", "Hey, guess what happened.",
    "Hey Charlie, turn it down a bit.", "Hey Mavis, the kettle's boiling.",
    "Hey darling, did you see the post?", "Harvest is late this year.",
)  # fmt: skip
"""Said now and then, in any scene (a near miss must not wake it either)."""
SCENES = (("monologue", 3), ("dialogue", 3), ("television", 3), ("music", 1),
          ("quiet", 1))  # fmt: skip
MINUTE = 60 * SAMPLE_RATE


class BackgroundError(RuntimeError):
    """A one-line reason the background audio cannot be made."""


def sentences(split: str, folder: Path = FORTUNES) -> list[str]:
    """The split's half of the speakable sentences of the fortune files: 3 to 30
    words, letters and plain punctuation, no attribution, never the wake word."""
    found: list[str] = []
    for name in FORTUNE_FILES:
        path = folder / name
        if not path.exists():
            continue
        for entry in path.read_text(encoding="utf-8", errors="replace").split("\n%\n"):
            text = " ".join(line for line in entry.splitlines()
                            if not line.strip().startswith(("--", "-- ")))  # fmt: skip
            text = re.sub(r"\s+", " ", text).strip()
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                words = sentence.split()
                half = "test" if zlib.crc32(sentence.encode()) % 2 else "dev"
                plain = _PLAIN.fullmatch(sentence) and not WAKE.search(sentence)
                if half == split and 3 <= len(words) <= 30 and plain:
                    found.append(sentence)
    if len(found) < 250:
        raise BackgroundError(
            f"{folder}: only {len(found)} sentences in the fortune files "
            "(apt-get install fortunes)"
        )
    return sorted(set(found))


def _voices(split: str, models_dir: Path) -> list[Voice]:
    voices = [Voice.parse(label) for label, _ in VOICES[split]]
    usable = [v for v in voices if missing(v, models_dir) is None]
    if not usable:
        raise BackgroundError(
            "no corpus voice can speak here (see tests/corpus/README.md)"
        )
    if len(usable) < len(voices):
        _LOGGER.warning(
            "Background: %d of %d voices are not installed",
            len(voices) - len(usable), len(voices),
        )  # fmt: skip
    return usable


def music(length: int, rng: np.random.Generator) -> np.ndarray:
    """Chords of harmonic tones with soft attacks, a bass line and a hi-hat."""
    out = np.zeros(length, dtype=np.float32)
    at = 0
    while at < length:
        note = int(rng.uniform(0.25, 1.2) * SAMPLE_RATE)
        t = np.arange(min(note, length - at)) / SAMPLE_RATE
        envelope = np.minimum(1.0, t / 0.02) * np.exp(-t * rng.uniform(1.0, 4.0))
        root = 110.0 * 2 ** (int(rng.integers(0, 24)) / 12)
        for step in (0, 4, 7) if rng.random() < 0.6 else (0, 3, 7):
            freq = root * 2 ** (step / 12)
            for harmonic in (1, 2, 3):
                out[at : at + len(t)] += (
                    envelope * np.sin(2 * np.pi * freq * harmonic * t) / harmonic
                ).astype(np.float32)
        out[at : at + len(t)] += 0.7 * (
            envelope * np.sin(2 * np.pi * root / 2 * t)
        ).astype(np.float32)
        hat = min(len(t), SAMPLE_RATE // 40)
        out[at : at + hat] += 0.2 * rng.standard_normal(hat).astype(np.float32)
        at += len(t)
    return out / (float(np.sqrt(np.mean(out**2))) or 1.0)


class Scenes:
    """One minute after another of background scenes, from one seed."""

    def __init__(self, speaker: Speaker, voices: list[Voice], lines: list[str],
                 seed: int) -> None:  # fmt: skip
        self._speaker, self._voices, self._lines = speaker, voices, lines
        self._rng = np.random.default_rng(seed)
        self.near_misses = 0
        """How many near misses were said so far."""

    def _near_miss(self) -> str:
        self.near_misses += 1
        return str(self._rng.choice(NEAR_MISSES))

    def _line(self) -> str:
        if self._rng.random() < 0.04:
            return self._near_miss()
        return self._lines[int(self._rng.integers(0, len(self._lines)))]

    def _voice(self) -> Voice:
        return self._voices[int(self._rng.integers(0, len(self._voices)))]

    def _say(self, voice: Voice, text: str) -> np.ndarray:
        speed = float(self._rng.choice((0.9, 1.0, 1.0, 1.15)))
        pcm = normalize_level(self._speaker.pcm(voice, text, speed),
                              float(self._rng.uniform(-30, -18)))  # fmt: skip
        return to_float32(pcm)

    def _gap(self, low: float, high: float) -> np.ndarray:
        return np.zeros(int(self._rng.uniform(low, high) * SAMPLE_RATE), np.float32)

    def _speech(self, length: int, talkers: int) -> np.ndarray:
        voices = [self._voice() for _ in range(talkers)]
        parts, total, turn = [], 0, 0
        while total < length:
            if talkers > 1 and self._rng.random() < 0.6:
                turn = (turn + 1) % talkers
            part = np.concatenate([self._say(voices[turn], self._line()),
                                   self._gap(0.15, 1.0)])  # fmt: skip
            parts.append(part)
            total += len(part)
        return np.concatenate(parts)[:length]

    def scene(self, kind: str, length: int) -> np.ndarray:
        if kind == "monologue":
            return self._speech(length, 1)
        if kind == "dialogue":
            return self._speech(length, 2)
        bed = music(length, self._rng) * 10 ** (self._rng.uniform(-40, -26) / 20)
        if kind == "music":
            return bed
        if kind == "quiet":
            hum = pink(length, self._rng) * 10 ** (-55 / 20)
            quiet = hum / (float(np.sqrt(np.mean(hum**2))) or 1.0) * 10 ** (-55 / 20)
            if self._rng.random() < 0.5:
                line = self._say(self._voice(), self._near_miss())
                at = int(self._rng.integers(0, max(1, length - len(line))))
                quiet[at : at + len(line)] += line[: length - at]
            return quiet.astype(np.float32)
        speech = self._speech(length, int(self._rng.integers(1, 4)))
        snr = float(self._rng.uniform(3, 15))
        level = speech_rms(speech) / (speech_rms(bed) * 10 ** (snr / 20))
        return speech + bed * level

    def minutes(self) -> Iterator[tuple[np.ndarray, list[str]]]:
        kinds = [k for k, _ in SCENES]
        weights = np.array([w for _, w in SCENES], dtype=float)
        while True:
            out, names, at = np.zeros(MINUTE, np.float32), [], 0
            while at < MINUTE:
                kind = str(self._rng.choice(kinds, p=weights / weights.sum()))
                length = min(MINUTE - at, int(self._rng.uniform(10, 40) * SAMPLE_RATE))
                out[at : at + length] = self.scene(kind, length)
                names.append(kind)
                at += length
            yield out, names


SEEDS = {"dev": 7, "test": 8}


def make_background(out: Path, split: str, minutes: int, models_dir: Path) -> float:
    """``minutes`` one-minute WAVs of ``split`` and their labels in ``out``;
    seconds of audio."""
    from assistant.audio import write_wav

    lines, voices = sentences(split), _voices(split, models_dir)
    _LOGGER.info("Background (%s): %d sentences, %d voices, %d minutes",
                 split, len(lines), len(voices), minutes)  # fmt: skip
    homes = SPLIT_HOMES[split]
    (out / "homes").mkdir(parents=True, exist_ok=True)
    for home in homes:
        shutil.copyfile(CORPUS_DIR / "homes" / f"{home}.json",
                        out / "homes" / f"{home}.json")  # fmt: skip
    scenes = Scenes(Speaker(models_dir), voices, lines, SEEDS[split])
    minute = scenes.minutes()
    labels: list[dict[str, Any]] = []
    for index in range(1, minutes + 1):
        before = scenes.near_misses
        samples, kinds = next(minute)
        kinds.append(f"{scenes.near_misses - before} near misses")
        name = f"background-{split}-{index:03d}"
        write_wav(out / f"{name}.wav", to_int16(samples).tobytes())
        labels.append({"id": name, "file": f"{name}.wav", "category": "background",
                       "home": homes[index % len(homes)], "text": " + ".join(kinds),
                       "expect": {"kind": "ignore"}})  # fmt: skip
        _LOGGER.info("[%d/%d] %s.wav: %s", index, minutes, name, ", ".join(kinds))
    write(labels, out / "labels.jsonl")
    return minutes * 60.0
