"""``assistant demo``: a sample home on a private broker, commanded by voice."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from .app import Assistant, build_assistant
from .audio import SAMPLE_RATE, resample, to_float32, to_int16, write_wav
from .broker import HOST, EmbeddedBroker
from .config import Config, load_config
from .devices import describe_state
from .sample_home import HomeSimulator

_LOGGER = logging.getLogger(__name__)

DEMO_COMMANDS = (
    "Hey Jarvis, turn on the kitchen light.",
    "Hey Jarvis, set the bedroom lamp to 30 percent.",
    "Hey Jarvis, open the garage door.",
    "Hey Jarvis, set the living room thermostat to 22 degrees.",
    "Hey Jarvis, turn off the TV.",
    "Hey Jarvis, is the garage door open?",
    "Hey Jarvis, what is the temperature in the bathroom?",
    "Hey Jarvis, make the hallway light blue.",
)


def speak_to_pcm(
    assistant: Assistant, text: str, length_scale: float | None = None
) -> bytes:
    """Synthesize a spoken command with the assistant's own piper voice, at 16 kHz."""
    tts = assistant.pipeline.tts
    assert tts is not None
    audio = b"".join(c.audio for c in tts.synthesize(text))
    samples = resample(to_float32(audio), tts.sample_rate, SAMPLE_RATE)
    silence = bytes(SAMPLE_RATE // 2 * 2)
    return silence + to_int16(samples).tobytes() + silence


def demo_config(port: int) -> Config:
    cfg = load_config()
    return cfg.model_copy(
        update={"mqtt": cfg.mqtt.model_copy(update={"host": HOST, "port": port})}
    )


async def run_demo(reply_dir: Path) -> int:
    async with EmbeddedBroker() as port:
        home = HomeSimulator(HOST, port)
        await asyncio.to_thread(home.start)
        assistant = await build_assistant(demo_config(port))
        try:
            print(
                f"Sample home on {HOST}:{port}: "
                + ", ".join(e.name for e in assistant.registry.entities()),
                flush=True,
            )
            done = 0
            for index, text in enumerate(DEMO_COMMANDS, 1):
                pcm = await asyncio.to_thread(speak_to_pcm, assistant, text)
                before = len(home.commands)
                result = await assistant.pipeline.run_audio(pcm)
                print(f"\n[{index}] spoken: {text!r}")
                print(f"    transcript: {result.transcript!r}")
                print(
                    "    intent:     "
                    f"{result.intent.as_dict() if result.intent else None}"
                )
                for command in result.commands:
                    print(f"    MQTT:       {command.topic} {command.payload}")
                if result.commands:
                    await asyncio.to_thread(
                        home.wait_for_commands, before + len(result.commands)
                    )
                    await asyncio.sleep(0.2)  # the new state travels back over MQTT
                    done += 1
                for entity_id in result.intent.entity_ids if result.intent else ():
                    entity = assistant.registry.get(entity_id)
                    if entity is not None:
                        state = assistant.registry.state(entity_id)
                        print(f"    state:      {describe_state(entity, state)}")
                print(f"    reply:      {result.response!r}")
                if result.reply_audio:
                    path = reply_dir / f"{index:02d}.wav"
                    write_wav(path, result.reply_audio, result.reply_rate)
                    print(
                        f"    spoken reply: {path} "
                        f"({len(result.reply_audio) / 2 / result.reply_rate:.1f} s)"
                    )
                print(
                    "    latency:    "
                    f"{result.timings_ms['total_after_speech_end']:.0f} ms "
                    f"from end of speech to MQTT publish",
                    flush=True,
                )
            print(f"\n{done} spoken commands switched devices; replies in {reply_dir}/")
        finally:
            await assistant.close()
            await asyncio.to_thread(home.stop)
    return 0
