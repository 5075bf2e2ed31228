"""Wake word detection: openWakeWord (TFLite models run by ai-edge-litert), with
microWakeWord (pymicro-wakeword) beside it when it has the same wake word."""

from __future__ import annotations

import logging
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .audio import AudioChunk
from .errors import WakeError

if TYPE_CHECKING:
    from collections.abc import Callable

    from .config import WakeConfig
    from .models import ModelStore

_LOGGER = logging.getLogger(__name__)

WAKE_MODELS = "openwakeword"
"""Manifest entry holding the feature models and the bundled wake words."""


@dataclass(frozen=True, slots=True)
class Detection:
    name: str
    score: float
    timestamp_ms: int
    """End of the chunk in which the score crossed the threshold."""
    sure: bool = True
    """False: the score reached only the check threshold; Whisper must confirm
    the wake phrase (``wake_check``) before it counts."""
    confirm: Callable[[bytes], bool] | None = field(default=None, compare=False)
    """Set on a wake word still in doubt: the command is listened to silently and
    counts only if this accepts its audio (``wake_check``)."""


def wake_phrase(model: str) -> str:
    """The wake phrase as written: "Hey Jarvis." for hey_jarvis."""
    words = Path(model).stem.split("_v0")[0].replace("_", " ").split()
    return " ".join(w.capitalize() for w in words) + "."


def _detected(
    name: str, score: float, threshold: float, chunk: AudioChunk, check: float = 0.0
) -> Detection | None:
    """A detection at the end of ``chunk`` when ``score`` reaches ``threshold``,
    or an unsure one when it reaches only ``check`` (0: none)."""
    if score < threshold and (not check or score < check):
        return None
    end = chunk.timestamp_ms + int(chunk.seconds * 1000)
    return Detection(name, score, end, sure=score >= threshold)


class WakeDetector(Protocol):
    def process(self, chunk: AudioChunk) -> Detection | None: ...

    def reset(self) -> None: ...


def _use_litert_for_tflite() -> None:
    """openWakeWord imports ``tflite_runtime``; ai-edge-litert is its maintained heir
    (tflite-runtime 2.14 breaks under numpy 2 and has no wheels for newer Pythons)."""
    if "tflite_runtime.interpreter" in sys.modules:
        return
    try:
        import tflite_runtime.interpreter  # noqa: F401

        return
    except ImportError:
        pass
    from ai_edge_litert import interpreter

    package = types.ModuleType("tflite_runtime")
    package.interpreter = interpreter  # type: ignore[attr-defined]
    sys.modules["tflite_runtime"] = package
    sys.modules["tflite_runtime.interpreter"] = interpreter


def _skip_custom_verifiers() -> None:
    """``import openwakeword`` loads its custom-verifier trainer, which imports
    scikit-learn and SciPy: about 100 MB and a second of start-up for a feature this
    assistant does not use. A stand-in module keeps them out."""
    name = "openwakeword.custom_verifier_model"
    if name in sys.modules or "openwakeword" in sys.modules:
        return
    stand_in = types.ModuleType(name)

    def train_custom_verifier(*args: object, **kwargs: object) -> None:
        raise NotImplementedError("custom verifier models are not supported here")

    stand_in.train_custom_verifier = train_custom_verifier  # type: ignore[attr-defined]
    sys.modules[name] = stand_in


class OpenWakeWordDetector:
    """Scores each 80 ms chunk; reports a chunk whose score passes the threshold."""

    def __init__(
        self,
        model_path: Path,
        features_dir: Path,
        threshold: float = 0.5,
        check: float = 0.0,
    ) -> None:
        _use_litert_for_tflite()
        _skip_custom_verifiers()
        import openwakeword

        try:
            self._model = openwakeword.Model(
                wakeword_models=[str(model_path)],
                inference_framework="tflite",
                melspec_model_path=str(features_dir / "melspectrogram.tflite"),
                embedding_model_path=str(features_dir / "embedding_model.tflite"),
            )
        except Exception as err:
            raise WakeError(
                "wake-load", f"{model_path}: cannot load wake model ({err})"
            ) from err
        self.name = model_path.stem
        self.threshold = threshold
        self.check = check

    @classmethod
    def from_config(cls, cfg: WakeConfig, store: ModelStore) -> OpenWakeWordDetector:
        features = store.require(WAKE_MODELS)
        model = Path(cfg.model)
        if model.suffix != ".tflite":
            model = features / f"{cfg.model}.tflite"
            if not model.exists():
                known = sorted(p.stem for p in features.glob("*.tflite"))
                known = [
                    k for k in known if k not in ("melspectrogram", "embedding_model")
                ]
                raise WakeError(
                    "wake-unknown",
                    f"wake.model: no wake word {cfg.model!r} (known: {known})",
                )
        check = min(cfg.check_threshold, cfg.threshold)
        return cls(model, features, cfg.threshold, check)

    def process(self, chunk: AudioChunk) -> Detection | None:
        scores = self._model.predict(np.frombuffer(chunk.audio, dtype="<i2"))
        score = float(max(scores.values()))
        return _detected(self.name, score, self.threshold, chunk, self.check)

    def reset(self) -> None:
        self._model.reset()


MICRO_MODELS = {"hey_jarvis": "hey_jarvis", "alexa": "alexa",
                "hey_mycroft": "hey_mycroft", "ok_nabu": "okay_nabu"}  # fmt: skip
"""openWakeWord's wake words that pymicro-wakeword also ships (its own names)."""


class MicroWakeWordDetector:
    """A microWakeWord model bundled with pymicro-wakeword: a streaming model of
    its own, trained apart from openWakeWord's, on 10 ms feature frames."""

    def __init__(self, model: str, threshold: float = 0.5, check: float = 0.0) -> None:
        try:
            from pymicro_wakeword import MicroWakeWord, MicroWakeWordFeatures, Model

            self._model = MicroWakeWord.from_builtin(Model(model))
        except Exception as err:  # no wheel or TFLite library for this machine
            raise WakeError(
                "wake-load", f"wake.micro_model: cannot load {model!r} ({err})"
            ) from err
        self._features = MicroWakeWordFeatures()
        self.name = model
        self.threshold = threshold
        self.check = check

    def process(self, chunk: AudioChunk) -> Detection | None:
        best = 0.0
        for features in self._features.process_streaming(chunk.audio):
            best = max(best, self._model.process_streaming_prob(features) or 0.0)
        return _detected(self.name, best, self.threshold, chunk, self.check)

    def reset(self) -> None:
        self._model.reset()
        self._features.reset()


class EitherWakeDetector:
    """Two wake word models side by side: either one hearing it is a detection.

    Each model misses voices the other hears. Both see every chunk, so their
    streaming state stays whole, and both start over after a sure detection (an
    unsure one is reset by whoever confirms it)."""

    def __init__(self, first: OpenWakeWordDetector, second: WakeDetector) -> None:
        self.first, self.second = first, second
        self.name = first.name

    @property
    def threshold(self) -> float:
        """The first model's threshold (the one Home Assistant's number sets)."""
        return self.first.threshold

    @threshold.setter
    def threshold(self, value: float) -> None:
        self.first.threshold = value

    def process(self, chunk: AudioChunk) -> Detection | None:
        found = self.first.process(chunk)
        other = self.second.process(chunk)
        if other is not None and (found is None or (other.sure and not found.sure)):
            _LOGGER.debug("Wake word heard by the second model (%.2f)", other.score)
            found = Detection(self.name, other.score, other.timestamp_ms, other.sure)
        if found is not None and found.sure:
            self.reset()
        return found

    def reset(self) -> None:
        self.first.reset()
        self.second.reset()


def wake_detector(cfg: WakeConfig, store: ModelStore) -> WakeDetector:
    """The configured wake word, with its microWakeWord twin when there is one."""
    first = OpenWakeWordDetector.from_config(cfg, store)
    micro = (
        MICRO_MODELS.get(first.name) if cfg.micro_model == "auto" else cfg.micro_model
    )
    if not micro:
        return first
    try:
        check = min(cfg.micro_check_threshold, cfg.micro_threshold)
        second = MicroWakeWordDetector(micro, cfg.micro_threshold, check)
    except WakeError as err:
        if cfg.micro_model != "auto":
            raise
        _LOGGER.warning(
            "Wake word: microWakeWord unavailable (%s); openWakeWord alone", err
        )
        return first
    _LOGGER.info("Wake word %s: openWakeWord and microWakeWord (%s)", first.name, micro)
    return EitherWakeDetector(first, second)
