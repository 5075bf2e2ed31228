"""Generate the test speech: piper's voice and espeak-ng's voices, some with noise.

    python -m tests.speech [OUT_DIR]     # default: tests/audio/generated

WAVs are named ``<voice>__<words>.wav`` and regenerated only when missing. Nothing
here is committed: the audio is made from the texts below on each machine.
"""

from __future__ import annotations

import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAUSE = 0.3
"""Seconds of silence at a " | " in an utterance's text."""
GENERATED = ROOT / "tests" / "audio" / "generated"

# voice label -> (engine, parameters)
VOICES: dict[str, tuple[str, tuple[object, ...]]] = {
    "piper": ("piper", (1.0,)),
    "piper-slow": ("piper", (1.25,)),
    "piper-fast": ("piper", (0.8,)),
    "espeak-us": ("espeak", ("en-us", 160, 50)),
    "espeak-gb-m3": ("espeak", ("en-gb+m3", 150, 40)),
    "espeak-us-f2": ("espeak", ("en-us+f2", 170, 60)),
    "espeak-us-m7": ("espeak", ("en-us+m7", 165, 35)),
}


@dataclass(frozen=True)
class Utterance:
    voice: str
    text: str
    commands: tuple[tuple[str, str], ...] = ()
    """(topic, payload) that must arrive, in order."""
    reply: str | None = None
    """Words the spoken reply must contain (case-insensitive)."""
    intent: str | None = None
    noise_db: float | None = None
    wake: bool = True
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        words = re.sub(r"[^a-z0-9]+", "_", self.text.lower()).strip("_")
        noisy = f"_snr{int(self.noise_db)}" if self.noise_db is not None else ""
        return f"{self.voice}{noisy}__{words}"


UTTERANCES: tuple[Utterance, ...] = (
    Utterance(
        "piper",
        "Hey Jarvis, turn on the kitchen light.",
        (("t/kitchen/light/set", "ON"),),
        "kitchen light",
        "HassTurnOn",
    ),
    Utterance(
        "espeak-us",
        "Hey Jarvis, switch off the coffee machine.",
        (("t/kitchen/coffee/set", "0"),),
        "coffee machine",
        "HassTurnOff",
    ),
    Utterance(
        "piper-slow",
        "Hey Jarvis, turn on the lamp in the office.",
        (("zigbee2mqtt/desk_lamp/set", '{"state":"ON"}'),),
        "desk lamp",
        "HassTurnOn",
    ),
    Utterance(
        "piper",
        "Hey Jarvis, set the kitchen light to 40 percent.",
        (("t/kitchen/light/brightness/set", "102"), ("t/kitchen/light/set", "ON")),
        "40 percent",
        "HassLightSet",
    ),
    Utterance(
        "espeak-gb-m3",
        "Hey Jarvis, make the desk lamp red.",
        (("zigbee2mqtt/desk_lamp/set", '{"state":"ON","color":{"h":0.0,"s":100.0}}'),),
        "red",
        "HassLightSet",
    ),
    Utterance(
        "piper-fast",
        "Hey Jarvis, set the living room thermostat to 22 degrees.",
        (("t/living_room/thermostat/target/set", "22.0"),),
        "22 degrees",
        "HassClimateSetTemperature",
    ),
    Utterance(
        "espeak-us",
        "Hey Jarvis, close the garage door.",
        (("t/garage/door/set", "CLOSE"),),
        "garage door",
        "HassClose",
    ),
    Utterance(
        "piper",
        "Hey Jarvis, lock the back door.",
        (("t/back_door/set", "LOCK"),),
        "back door",
        "HassLock",
    ),
    Utterance(
        "espeak-us-f2",
        "Hey Jarvis, unlock the back door.",
        (),
        "are you sure you want to unlock the back door?",
        "HassUnlock",
    ),
    Utterance(
        "piper",
        "Hey Jarvis, yes please.",
        (("t/back_door/set", "UNLOCK"),),
        "unlocking the back door",
        "HassConfirm",
    ),
    Utterance(
        "piper",
        "Hey Jarvis, is the garage door open?",
        (),
        "yes, the garage door is open",
        "HassGetState",
    ),
    Utterance(
        "espeak-us",
        "Hey Jarvis, what is the temperature in the living room?",
        (),
        "20.5 degrees",
        "HassClimateGetTemperature",
    ),
    Utterance("piper-slow", "Hey Jarvis, what time is it?", (), "it is", "Skill:time"),
    Utterance(
        "espeak-gb-m3",
        "Hey Jarvis, set a timer for 5 minutes.",
        (),
        "timer set for 5 minutes",
        "Skill:timer_start",
    ),
    Utterance(
        "piper",
        "Hey Jarvis, turn on the spaceship.",
        (),
        "i don't know a device called",
        "HassTurnOn",
    ),
    Utterance(
        "piper",
        "Hey Jarvis, make the porch light blue.",
        (),
        "can't change colour",
        "HassLightSet",
    ),
    Utterance(
        "piper",
        "Hey Jarvis, turn off the porch light.",
        (("tasmota/porch/cmnd/POWER", "OFF"),),
        "porch light",
        "HassTurnOff",
        noise_db=15,
    ),
    Utterance(
        "espeak-us",
        "Hey Jarvis, turn on the ceiling fan.",
        (("t/bedroom/fan/set", "ON"),),
        "ceiling fan",
        "HassTurnOn",
    ),
    # a pause inside the command (PAUSE seconds at "|"): decoded at the pause, not
    # a whole sentence, so listened to the end (predictive endpointing)
    Utterance(
        "piper",
        "Hey Jarvis, set the kitchen light | to 60 percent.",
        (("t/kitchen/light/brightness/set", "153"), ("t/kitchen/light/set", "ON")),
        "60 percent",
        "HassLightSet",
    ),
    # no wake word: nothing may happen
    Utterance("piper", "Turn on the kitchen light.", wake=False),
    Utterance("espeak-us", "Open the garage door please.", wake=False),
    Utterance(
        "piper-fast", "Good morning, unlock the back door.", wake=False, noise_db=20
    ),
)


# for the live tests (microphone and speaker through PulseAudio)
LIVE: dict[str, Utterance] = {
    "tv_off": Utterance("piper", "Hey Jarvis, turn off the TV.",
                        (("t/living_room/tv/set", "OFF"),), "turning off the tv"),
    "tv_off_no_wake": Utterance("espeak-us", "Please turn off the TV.", wake=False),
    "long_answer": Utterance(
        "piper", "Hey Jarvis, what is the state of the living room thermostat?",
        (), "set to 19 degrees"),
    "wake_then_light": UTTERANCES[0],
    # "please": a sentence-first "unlock" right after the wake word is heard "I'm
    # off" by Whisper tiny.en in most alignments (tests/corpus measures that)
    "unlock": Utterance(
        "piper", "Hey Jarvis, please unlock the back door.", (), "sure"),
    "yes": Utterance("piper", "Yes, please.", wake=False),
    "no": Utterance("piper", "No, thank you.", wake=False),
    "light_no_wake": next(u for u in UTTERANCES if u.text.startswith("Turn on")),
}  # fmt: skip


# for the zigbee2mqtt and Tasmota homes (tests/homes.py)
BRIDGES: dict[str, Utterance] = {
    "sofa_blue": Utterance("piper", "Hey Jarvis, make the sofa lamp blue.",
                           intent="HassLightSet"),
    "reading_off": Utterance("espeak-us", "Hey Jarvis, turn off the reading light.",
                             intent="HassTurnOff"),
    "reading_green": Utterance(
        "piper-slow", "Hey Jarvis, make the reading light green.", intent="HassLightSet"
    ),
    "hall_dim": Utterance("piper-fast", "Hey Jarvis, set the hall light to 60 percent.",
                          intent="HassLightSet"),
    "garden_on": Utterance("espeak-gb-m3", "Hey Jarvis, turn on the garden light.",
                           intent="HassTurnOn"),
}  # fmt: skip


# for the skills of tests/test_skills.py, in the order they are spoken
SKILL_TALK: tuple[Utterance, ...] = (
    Utterance("piper", "Hey Jarvis, play some jazz."),
    Utterance("espeak-us", "Hey Jarvis, good night."),
    Utterance("piper", "Hey Jarvis, movie time."),
    Utterance("piper", "Hey Jarvis, yes please."),
)


# for the timers and config reloads of tests/test_timers_live.py
TIMER_TALK: dict[str, Utterance] = {
    "pasta": Utterance("piper", "Hey Jarvis, set a pasta timer for 25 seconds."),
    "laundry": Utterance(
        "piper-fast", "Hey Jarvis, set a laundry timer for 10 minutes."
    ),
    "cancel_laundry": Utterance("piper-slow", "Hey Jarvis, cancel the laundry timer."),
    "egg": Utterance("piper", "Hey Jarvis, set an egg timer for 15 seconds."),
    "story": Utterance("piper-slow", "Hey Jarvis, tell me a story."),
    "jazz": SKILL_TALK[0],
}


# "stop" without the wake word, over a reply or a ringing timer
# (tests/test_stop_live.py)
STOP_TALK: dict[str, Utterance] = {
    "stop": Utterance("espeak-us", "Stop!", wake=False),
    "be_quiet": Utterance("piper-slow", "Be quiet.", wake=False),
    "egg": Utterance("piper", "Hey Jarvis, set an egg timer for 5 seconds."),
}


# acceptance of the trust issue: act, ask or refuse (tests/test_trust.py)
TRUST: dict[str, Utterance] = {
    "sprinkler": Utterance("piper", "Hey Jarvis, turn on the garden sprinkler."),
    "bathroom": Utterance("piper-slow", "Hey Jarvis, turn off the bathroom light."),
    "theres_fan": Utterance("piper", "Hey Jarvis, there's the ceiling fan on?"),
    "is_fan": Utterance("espeak-us-f2", "Hey Jarvis, is the ceiling fan on?"),
    "porch_off": Utterance("piper", "Hey Jarvis, turn off the porch light."),
    "pitch_black": Utterance("piper", "Hey Jarvis, it is pitch black in the kitchen."),
    "yes": Utterance("piper", "Hey Jarvis, yes please."),
    "desk_lamp": Utterance("espeak-us", "Turn on the desk lamp."),
    "hey_jarvis": Utterance("espeak-gb-m3", "Hey Jarvis."),
    "hey_travis": Utterance("espeak-gb-m3", "Hey Travis."),
    "hey_marvin": Utterance("piper", "Hey Marvin."),
    "activate_fan": Utterance("piper", "Deactivate the ceiling fan."),
    # a room the home lacks, and the one it has (tests/test_acoustic_spoken.py)
    "bathroom_fan": Utterance("piper", "Turn on the bathroom fan."),
    "bedroom_fan": Utterance("espeak-us", "Turn on the bedroom fan."),
    # a voice whose "Hey Jarvis" Whisper misses on two seconds, not on the sentence
    "jarvis_sentence": Utterance(
        "espeak-us-m7", "Hey Jarvis, make sure the back door is locked."
    ),
    "travis_sentence": Utterance(
        "espeak-us-m7", "Hey Travis, set the bedroom radiator to 18."
    ),
}


def generate(out_dir: Path = GENERATED) -> dict[str, Path]:
    """Write each utterance's WAV (16 kHz mono) unless it exists; name -> path."""
    from assistant.audio import write_wav
    from assistant.config import load_config
    from assistant.models import ModelStore
    from assistant.synth import add_noise, espeak_pcm, piper_pcm, silence
    from assistant.tts import PiperSynthesizer

    from .corpus.noise import joined
    from .corpus.pauses import PAUSE_MARK

    out_dir.mkdir(parents=True, exist_ok=True)
    from .paraphrases import CONVERSATIONS, SPOKEN

    talks = [u for conversation in CONVERSATIONS.values() for u in conversation]
    every = {
        u.name: u
        for u in (
            *UTTERANCES,
            *LIVE.values(),
            *STOP_TALK.values(),
            *BRIDGES.values(),
            *SPOKEN,
            *talks,
            *SKILL_TALK,
            *TIMER_TALK.values(),
            *TRUST.values(),
        )
    }
    paths = {name: out_dir / f"{name}.wav" for name in every}
    missing = [u for u in every.values() if not paths[u.name].exists()]
    if not missing:
        return paths
    cfg = load_config()
    tts = PiperSynthesizer.from_config(cfg.tts, ModelStore(cfg.models_dir))
    for utterance in missing:
        engine, params = VOICES[utterance.voice]
        parts = []
        for text in utterance.text.split(PAUSE_MARK):
            if engine == "piper":
                pcm = piper_pcm(tts, text, float(params[0]), deterministic=True)  # type: ignore[arg-type]
            else:
                voice, speed, pitch = params
                pcm = espeak_pcm(text, str(voice), int(speed), int(pitch))  # type: ignore[call-overload]
            parts.append(pcm)
        pcm = joined(parts, PAUSE)  # the pause as long as PAUSE
        pcm = silence(0.6) + pcm + silence(0.2)
        if utterance.noise_db is not None:
            pcm = add_noise(
                pcm, utterance.noise_db, seed=zlib.crc32(utterance.name.encode())
            )
        write_wav(paths[utterance.name], pcm)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else GENERATED
    for path in generate(target).values():
        print(path)
