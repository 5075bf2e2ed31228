"""``assistant demo``: a sample home on a private broker, commanded by voice."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path
from typing import Any

from .app import build_assistant
from .audio import write_wav
from .broker import HOST, EmbeddedBroker
from .config import Config, load_config
from .home.domains import describe_state
from .result import RunResult
from .sample_home import HomeSimulator
from .synth import piper_pcm, silence

_LOGGER = logging.getLogger(__name__)

DEMO_COMMANDS = (
    "Hey Jarvis, it's too dark in the kitchen.",
    "Hey Jarvis, set the bedroom lamp to 30 percent.",
    "Hey Jarvis, open the garage door.",
    "Hey Jarvis, yes please.",
    "Hey Jarvis, set the living room thermostat to 22 degrees.",
    "Hey Jarvis, nobody is watching the television.",
    "Hey Jarvis, is the garage door open?",
    "Hey Jarvis, what is the temperature in the bathroom?",
    "Hey Jarvis, make the hallway light blue.",
)


def demo_config(port: int, state_dir: Path) -> Config:
    """The bundled config on the demo's broker, keeping what it learns and lists
    in ``state_dir``: the demo's "yes" teaches nothing to your own assistant."""
    cfg = load_config()
    return cfg.model_copy(
        update={
            "mqtt": cfg.mqtt.model_copy(update={"host": HOST, "port": port}),
            "storage": cfg.storage.model_copy(update={"dir": str(state_dir)}),
        }
    )


async def run_demo(reply_dir: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="assistant-demo-") as state:
        return await _run_demo(reply_dir, Path(state))


async def _run_demo(reply_dir: Path, state_dir: Path) -> int:
    async with EmbeddedBroker() as port:
        home = HomeSimulator(HOST, port)
        await asyncio.to_thread(home.start)
        config = demo_config(port, state_dir)
        assistant = await build_assistant(config, command="demo")
        try:
            if assistant.llm is not None:  # loaded before the first paraphrase
                await asyncio.to_thread(assistant.llm.worker.warm)
            print(
                f"Sample home on {HOST}:{port}: "
                + ", ".join(e.name for e in assistant.registry.entities()),
                flush=True,
            )
            done = 0
            script = list(DEMO_COMMANDS)
            for index, text in enumerate(script, 1):
                result = await _turn(assistant, home, reply_dir, str(index), text)
                done += bool(result.commands)
                following = script[index] if index < len(script) else ""
                if result.awaiting_confirmation and "yes" not in following.lower():
                    # it asked before acting: the person in the demo says yes
                    answer = await _turn(
                        assistant, home, reply_dir, f"{index}b", "Hey Jarvis, yes."
                    )
                    done += bool(answer.commands)
            print(f"\n{done} spoken commands switched devices; replies in {reply_dir}/")
        finally:
            await assistant.close()
            await asyncio.to_thread(home.stop)
    return 0


async def _turn(
    assistant: Any, home: HomeSimulator, reply_dir: Path, label: str, text: str
) -> RunResult:
    """Say ``text`` to the assistant and print what happened."""
    tts = assistant.pipeline.tts
    assert tts is not None
    spoken = await asyncio.to_thread(piper_pcm, tts, text)
    pcm = silence(0.5) + spoken + silence(0.5)
    before = len(home.commands)
    result: RunResult = await assistant.pipeline.run_audio(pcm)
    print(f"\n[{label}] spoken: {text!r}")
    print(f"    transcript: {result.transcript!r}")
    by = " (understood by the LLM)" if result.path == "llm" else ""
    print(f"    intent:     {result.intent.as_dict() if result.intent else None}{by}")
    for command in result.commands:
        print(f"    MQTT:       {command.topic} {command.shown}")
    if result.commands:
        await asyncio.to_thread(home.wait_for_commands, before + len(result.commands))
        await asyncio.sleep(0.2)  # the new state travels back over MQTT
    for entity_id in result.intent.entity_ids if result.intent else ():
        entity = assistant.registry.get(entity_id)
        if entity is not None:
            state = assistant.registry.state(entity_id)
            print(f"    state:      {describe_state(entity, state)}")
    print(f"    reply:      {result.response!r}")
    if result.reply_audio:
        path = reply_dir / f"{label.zfill(2)}.wav"
        write_wav(path, result.reply_audio, result.reply_rate)
        seconds = len(result.reply_audio) / 2 / result.reply_rate
        print(f"    spoken reply: {path} ({seconds:.1f} s)")
    what = "MQTT publish" if result.commands else "the answer"
    print(
        "    latency:    "
        f"{result.timings_ms['total_after_speech_end']:.0f} ms "
        f"from end of speech to {what}",
        flush=True,
    )
    return result
