"""Every run ends with run-end, whatever ended it, so Home Assistant's state sensor
returns to idle (issue #13). The live ends (no command, a question timing out, a
barge-in) are in test_live_ha.py; here a run that fails inside, with the real
LiveAssistant and AssistantLink and fakes for the audio devices and the models."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from assistant.audio import AudioChunk
from assistant.config import HomeAssistantConfig, MqttConfig, load_config
from assistant.events import EventType, PipelineEvent
from assistant.ha_device import AssistantLink
from assistant.live import LiveAssistant
from assistant.timers import Timers

from .test_ha_device import FakeMessenger


class _FailingPipeline:
    """Hears the wake word, then its command fails with an unexpected error."""

    wake = None
    tts = None

    def __init__(self, emit: Any) -> None:
        self.event_callback = emit
        self.speak_replies = True

    async def run_stream(self, chunks: AsyncIterator[AudioChunk], **_: Any) -> None:
        self.event_callback(PipelineEvent(EventType.WAKE_END, {"name": "hey_jarvis"}))
        self.event_callback(PipelineEvent(EventType.VAD_END, {"state": "done"}))
        raise RuntimeError("the model crashed")

    def cancel_confirmation(self) -> None: ...


async def _chunks() -> AsyncIterator[AudioChunk]:
    while True:
        yield AudioChunk(bytes(2560), 0)
        await asyncio.sleep(0)


def test_a_run_that_fails_inside_still_ends_idle(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[audio]\nfeedback_sounds = false\n[storage]\ndir = "{tmp_path / "state"}"\n'
    )
    cfg = load_config(config)
    link = AssistantLink(HomeAssistantConfig(), MqttConfig(client_id="kitchen"),
                         service=True, wake_threshold=0.3)  # fmt: skip
    messenger = FakeMessenger()
    link.attach(messenger)
    pipeline = _FailingPipeline(link.on_event)
    assistant = SimpleNamespace(pipeline=pipeline, link=link, timers=Timers(), cfg=cfg)
    live = LiveAssistant(assistant, cfg.audio, mic=object(),  # type: ignore[arg-type]
                         player=SimpleNamespace(volume=1.0))  # type: ignore[arg-type]  # fmt: skip
    with pytest.raises(RuntimeError, match="crashed"):
        asyncio.run(live._turn(_chunks(), None, 0.0))
    states = [p for t, p, _ in messenger.published if t == "assistant/kitchen/state"]
    assert states == ["listening", "thinking", "idle"]  # not stuck at thinking
    ends = [
        p for t, p, _ in messenger.published if t.endswith("/events") and "run-end" in p
    ]
    assert len(ends) == 1 and '"end": "error"' in ends[0]
