"""How well "stop" is heard without the wake word, and how often other speech
stops a reply: ``python -m tests.corpus.stops SPLIT [--noise pink:10]``.

- Stop phrases in every voice of the split (two speeds), each alone between
  silences, through the real :class:`assistant.stop.StopListener` (Silero and
  Whisper): how many are heard, and the decoding time.
- The assistant's own replies (piper joe, the voice it answers in) as one long
  stretch of speech, heard back as if there were no echo cancellation and the
  listener did not know what it was saying: how many stops they cause.
- Other people's sentences without the wake word (the split's ``no_wake`` and
  ``near_miss`` clips' text, in the split's voices): how many stops they cause.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time

from assistant.audio import SAMPLE_RATE, SAMPLE_WIDTH, chunks
from assistant.config import DEFAULT_STOP_PHRASES, load_config
from assistant.models import ModelStore
from assistant.stop import StopListener
from assistant.stt import FasterWhisperTranscriber
from assistant.vad import SileroSpeechProbability

from . import noise as noises
from .lists import VOICES
from .make import _list_path
from .voices import Speaker, Voice, missing

_LOGGER = logging.getLogger(__name__)

SAID = ("stop", "stop it", "cancel", "be quiet", "that's enough", "never mind")
NOT_STOPS = (
    "thank you", "okay", "yes", "no", "top", "shop", "cancer", "council", "quite",
    "be quick", "that's good", "nice", "hello", "stay", "step", "go on",
    "keep going", "again", "louder", "what", "wait", "stop the music", "enough milk",
)  # fmt: skip
"""Short things people say near the speaker that are not a stop."""
REPLIES = (
    "Turning off the TV.", "The kitchen light is on.",
    "The living room thermostat is set to 19 degrees, and it is 20.5 degrees now.",
    "Your pasta timer has 4 minutes and 20 seconds left.", "The pasta timer is done.",
    "I can't play music.", "I don't know a garden sprinkler.",
    "Turn on the desk lamp?", "Okay, I won't.", "It's 7:45.", "Today is Monday.",
    "Setting the bedroom light to 40 percent.", "The front door is locked.",
    "Timer cancelled.", "I stopped the 5 minute timer.", "Opening the blinds.",
    "Sorry, I didn't catch that.", "Which one: the kitchen light or the desk lamp?",
    "Two lights are on: the kitchen light and the porch light.",
    "Quiet hours start at ten.",
    "Added milk to your shopping list.", "There is nothing on your shopping list.",
)  # fmt: skip


def _silence(seconds: float) -> bytes:
    return bytes(int(seconds * SAMPLE_RATE) * SAMPLE_WIDTH)


def _stops(listener: StopListener, pcm: bytes) -> tuple[list[str], list[float]]:
    """The phrases ``pcm`` stops with (nothing known to be said), and decode ms."""
    listener.reset()
    heard: list[str] = []
    times: list[float] = []
    for chunk in chunks(pcm):
        for audio, _ in listener.segments(chunk.audio):
            start = time.perf_counter()
            phrase = listener.heard(audio)
            times.append((time.perf_counter() - start) * 1000)
            if phrase is not None:
                heard.append(phrase)
    return heard, times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.corpus.stops")
    parser.add_argument("split", choices=sorted(VOICES))
    parser.add_argument("--noise", default="none", help="none, pink:10, babble:5 ...")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    cfg = load_config()
    store = ModelStore(cfg.models_dir)
    stt = FasterWhisperTranscriber.from_config(cfg.stt, store)
    listener = StopListener(SileroSpeechProbability(), stt, DEFAULT_STOP_PHRASES)
    speaker = Speaker(cfg.models_dir)
    voices = [Voice.parse(v) for v, _ in VOICES[args.split]]
    voices = [v for v in voices if missing(v, cfg.models_dir) is None]

    right = tried = 0
    times: list[float] = []
    misses: list[str] = []
    for index, voice in enumerate(voices):
        for speed in (1.0, 1.3):
            for phrase in SAID:
                pcm = speaker.pcm(voice, phrase, speed)
                pcm = noises.mix(pcm, args.noise, seed=index)
                heard, took = _stops(listener, _silence(0.5) + pcm + _silence(0.6))
                times += took
                tried += 1
                if heard == [phrase]:
                    right += 1
                else:
                    misses.append(f"{voice.engine}:{voice.name} x{speed} {phrase!r}")
        _LOGGER.info(
            "%d/%d voices: %d of %d heard", index + 1, len(voices), right, tried
        )

    short_stops: list[str] = []
    for index, voice in enumerate(voices):
        for phrase in NOT_STOPS:
            pcm = noises.mix(speaker.pcm(voice, phrase, 1.0), args.noise, seed=index)
            heard, _ = _stops(listener, _silence(0.5) + pcm + _silence(0.6))
            short_stops += [
                f"{voice.engine}:{voice.name} {phrase!r} -> {h}" for h in heard
            ]

    own = b"".join(speaker.pcm(Voice("piper", "joe"), r, 1.0) for r in REPLIES)
    own_stops, _ = _stops(listener, own)
    rows = [
        json.loads(line) for line in _list_path(args.split).read_text().splitlines()
    ]
    others = [r for r in rows if r["category"] in ("no_wake", "near_miss")]
    other_pcm = b"".join(
        speaker.pcm(Voice.parse(r["voice"]), r["text"], r["speed"]) + _silence(0.3)
        for r in others
    )
    other_stops, _ = _stops(listener, other_pcm)
    times.sort()
    print(
        f"stop phrases heard: {right}/{tried} ({args.split} voices, noise {args.noise})"
    )
    p50, p90 = times[len(times) // 2], times[int(len(times) * 0.9)]
    print(f"decoding p50 {p50:.0f} ms, p90 {p90:.0f} ms "
          f"over {len(times)} short segments")  # fmt: skip
    print(f"own replies ({len(own) / SAMPLE_RATE / SAMPLE_WIDTH:.0f} s): "
          f"{len(own_stops)} stops {own_stops}")  # fmt: skip
    print(f"other people's sentences ({len(others)}, "
          f"{len(other_pcm) / SAMPLE_RATE / SAMPLE_WIDTH:.0f} s): "
          f"{len(other_stops)} stops {other_stops}")  # fmt: skip
    print(f"short sentences that are no stop ({len(NOT_STOPS) * len(voices)}): "
          f"{len(short_stops)} stops")  # fmt: skip
    for stop in short_stops:
        print("  false stop:", stop)
    for miss in misses:
        print("missed:", miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
