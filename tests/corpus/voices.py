"""The corpus voices: piper (the assistant's own voice model) and the offline
synthesizers Debian packages, all as 16 kHz mono int16 PCM.

A voice is written ``engine:name[:rate:pitch]``:

- ``piper:joe``: piper's en_US-joe-medium from the models folder; the utterance's
  ``speed`` becomes ``length_scale = 1 / speed``; synthesized deterministically.
- ``espeak:<voice>:<words per minute>:<pitch>``: espeak-ng (``en-gb-scotland``,
  ``en+f3``, ``mb-us1`` for an MBROLA voice, ...); rate multiplied by ``speed``.
- ``espeak1:<voice>:<wpm>:<pitch>``: the older espeak 1.48 (package ``espeak``).
- ``flite:<voice>``: flite's built-in voices (kal, kal16, awb, rms, slt).
- ``festival:<voice>``: a festival voice (kal_diphone, ked_diphone,
  cmu_us_slt_arctic_hts), through ``text2wave``.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.audio import decode_wav
from assistant.models import ModelStore

PIPER_MODELS = {"joe": "en_US-joe-medium"}
FESTIVAL_VOICES = Path("/usr/share/festival/voices")
MBROLA_VOICES = Path("/usr/share/mbrola")
# engine -> (program it runs, Debian packages it needs)
ENGINES: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "piper": (None, ()),
    "espeak": ("espeak-ng", ("espeak-ng",)),
    "espeak1": ("espeak", ("espeak",)),
    "flite": ("flite", ("flite",)),
    "festival": ("text2wave", ("festival",)),
}
VOICE_PACKAGES = {
    "festival:kal_diphone": "festvox-kallpc16k",
    "festival:ked_diphone": "festvox-kdlpc16k",
    "festival:cmu_us_slt_arctic_hts": "festvox-us-slt-hts",
    "espeak:mb-us1": "mbrola-us1",
    "espeak:mb-us2": "mbrola-us2",
    "espeak:mb-us3": "mbrola-us3",
    "espeak:mb-en1": "mbrola-en1",
}


@dataclass(frozen=True)
class Voice:
    engine: str
    name: str
    rate: int = 160
    pitch: int = 50

    @classmethod
    def parse(cls, label: str) -> Voice:
        engine, _, rest = label.partition(":")
        if engine not in ENGINES or not rest:
            raise ValueError(f"voice {label!r}: want engine:name with engine one of "
                             f"{', '.join(ENGINES)}")  # fmt: skip
        parts = rest.split(":")
        if engine in ("espeak", "espeak1"):
            if len(parts) != 3:
                raise ValueError(f"voice {label!r}: want {engine}:voice:rate:pitch")
            return cls(engine, parts[0], int(parts[1]), int(parts[2]))
        if len(parts) != 1:
            raise ValueError(f"voice {label!r}: want {engine}:name")
        return cls(engine, parts[0])

    @property
    def packages(self) -> tuple[str, ...]:
        extra = VOICE_PACKAGES.get(f"{self.engine}:{self.name.split('+')[0]}")
        return ENGINES[self.engine][1] + ((extra,) if extra else ())


def missing(voice: Voice, models_dir: Path) -> str | None:
    """Why ``voice`` cannot speak here (one line), or None."""
    program = ENGINES[voice.engine][0]
    install = f"apt-get install {' '.join(voice.packages)}"
    if program and shutil.which(program) is None:
        return f"{voice.engine}: {program} is not installed ({install})"
    if voice.engine == "piper":
        if importlib.util.find_spec("piper") is None:
            return "piper: the piper-tts package is not installed in this Python"
        model = PIPER_MODELS.get(voice.name)
        if model is None:
            return f"piper: no voice {voice.name!r} (known: {', '.join(PIPER_MODELS)})"
        problems = ModelStore(models_dir).problems(model)
        if problems:
            return f"piper: {problems[0]} (run `assistant models fetch {model}`)"
    if voice.engine == "festival" and not any(FESTIVAL_VOICES.glob(f"*/{voice.name}")):
        return f"festival: no voice {voice.name} ({install})"
    if voice.engine == "espeak" and voice.name.startswith("mb-"):
        base = voice.name.split("+")[0].removeprefix("mb-")
        if shutil.which("mbrola") is None or not (MBROLA_VOICES / base).exists():
            return f"espeak: MBROLA voice {base} is not installed ({install} mbrola)"
    if voice.engine == "flite":
        listed = _run(["flite", "-lv"]).decode(errors="replace").split()
        if voice.name not in listed:
            return f"flite: no voice {voice.name} (flite -lv lists {' '.join(listed)})"
    return None


def _run(cmd: list[str], stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(cmd, input=stdin, capture_output=True, check=True)
    except subprocess.CalledProcessError as err:
        detail = err.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError(
            f"{cmd[0]} failed: {detail[-1] if detail else err}"
        ) from None
    return done.stdout


class Speaker:
    """Speaks text in any corpus voice; piper is loaded on first use."""

    def __init__(self, models_dir: Path) -> None:
        self.models_dir = models_dir
        self._piper: dict[str, Any] = {}

    def pcm(self, voice: Voice, text: str, speed: float) -> bytes:
        if voice.engine == "piper":
            return self._piper_pcm(voice.name, text, speed)
        rate = round(voice.rate * speed)
        if voice.engine == "espeak":
            from assistant.synth import espeak_pcm

            return espeak_pcm(text, voice.name, rate, voice.pitch)
        if voice.engine == "espeak1":
            cmd = ["espeak", "-v", voice.name, "-s", str(rate), "-p", str(voice.pitch)]
            return decode_wav(_run([*cmd, "--stdout", text]), f"espeak {voice.name}")
        with tempfile.TemporaryDirectory(prefix="corpus-tts-") as tmp:
            out = Path(tmp) / "out.wav"
            stretch = f"{1 / speed:.3f}"
            if voice.engine == "flite":
                _run(
                    [
                        "flite",
                        "-voice",
                        voice.name,
                        "--setf",
                        f"duration_stretch={stretch}",
                        "-t",
                        text,
                        "-o",
                        str(out),
                    ]
                )
            else:
                _run(["text2wave", "-eval", f"(voice_{voice.name})", "-eval",
                      f"(Parameter.set 'Duration_Stretch {stretch})", "-o", str(out)],
                     stdin=text.encode())  # fmt: skip
            return decode_wav(out.read_bytes(), f"{voice.engine} {voice.name}")

    def _piper_pcm(self, name: str, text: str, speed: float) -> bytes:
        from assistant.synth import piper_pcm
        from assistant.tts import PiperSynthesizer

        if name not in self._piper:  # the verified voice from the model store
            model = PIPER_MODELS[name]
            folder = ModelStore(self.models_dir).require(model)
            self._piper[name] = PiperSynthesizer(folder / f"{model}.onnx")
        tts = self._piper[name]
        scale = None if speed == 1.0 else round(1 / speed, 3)
        return piper_pcm(tts, text, scale, deterministic=True)
