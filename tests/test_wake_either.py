"""Two wake word models side by side (pure logic, fake models)."""

from __future__ import annotations

from assistant.audio import AudioChunk
from assistant.wake import Detection, EitherWakeDetector


class Fake:
    def __init__(self, name: str, fires_at: set[int]) -> None:
        self.name, self.fires_at, self.threshold = name, fires_at, 0.5
        self.seen = 0
        self.resets = 0

    def process(self, chunk: AudioChunk) -> Detection | None:
        self.seen += 1
        return (
            Detection(self.name, 0.9, self.seen) if self.seen in self.fires_at else None
        )

    def reset(self) -> None:
        self.resets += 1


def _chunk() -> AudioChunk:
    return AudioChunk(bytes(2560), 0)


def test_either_model_wakes_and_both_start_over() -> None:
    first, second = Fake("hey_jarvis", {5}), Fake("micro", {2})
    either = EitherWakeDetector(first, second)  # type: ignore[arg-type]
    found = [either.process(_chunk()) for _ in range(6)]
    assert [f is not None for f in found] == [False, True, False, False, True, False]
    assert (
        found[1] is not None and found[1].name == "hey_jarvis"
    )  # the wake word's name
    assert first.seen == second.seen == 6  # both see every chunk
    assert first.resets == second.resets == 2
