"""Wake word detection with openWakeWord (TFLite models run by ai-edge-litert)."""

from __future__ import annotations

import logging
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .audio import AudioChunk
from .errors import WakeError

if TYPE_CHECKING:
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
        self, model_path: Path, features_dir: Path, threshold: float = 0.5
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
        return cls(model, features, cfg.threshold)

    def process(self, chunk: AudioChunk) -> Detection | None:
        scores = self._model.predict(np.frombuffer(chunk.audio, dtype="<i2"))
        score = float(max(scores.values()))
        if score >= self.threshold:
            end_ms = chunk.timestamp_ms + int(chunk.seconds * 1000)
            return Detection(self.name, score, end_ms)
        return None

    def reset(self) -> None:
        self._model.reset()
