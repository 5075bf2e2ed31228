"""Speech-to-text with faster-whisper (CTranslate2), sized to short commands."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from .audio import SAMPLE_RATE, to_float32
from .errors import SttError
from .intent import Hearing, normalize

if TYPE_CHECKING:
    from .config import SttConfig
    from .models import ModelStore

_LOGGER = logging.getLogger(__name__)

_HOP = 160
"""Samples per mel frame (10 ms)."""
_MAX_FRAMES = 3000
"""Whisper's full 30 s window."""
_MARGIN_FRAMES = 100
"""Silence kept after the command so the decoder sees the end of speech."""
_MIN_FRAMES = 1000
"""Shorter windows than 10 s make Whisper loop ("turn on the light, turn on the…")."""
_MAX_TOKENS = 96
_TOKENS_PER_SECOND = 6
_SCORE_BATCH = 4
"""Sentences scored per forced-decoding pass: bigger batches were barely faster
and held 40-60 MB more memory afterwards."""
_PROMPT_TOKENS = 200
"""Whisper's limit is 223; the end of a longer prompt is kept."""


class Transcriber(Protocol):
    def transcribe(self, audio: bytes, prompt: str | None = None) -> str: ...

    def hear(
        self, audio: bytes, prompt: str | None = None, *, lead: str = ""
    ) -> Hearing:
        """The transcript with word probabilities and Whisper's own confidence;
        ``lead`` is what the audio starts with (the wake phrase), not returned."""
        ...


class FasterWhisperTranscriber:
    """Whisper through faster-whisper's model, feature extractor and tokenizer.

    Instead of padding every command to Whisper's 30 s window, the encoder runs on
    a window just longer than the command (rounded up to whole seconds): for a 3 s
    command this is 4-6 times faster with the same text.
    """

    def __init__(
        self,
        model_dir: Path,
        *,
        compute_type: str = "int8",
        threads: int = 2,
        beam_size: int = 1,
        language: str | None = "en",
        window_seconds: float = 0.0,
        alternatives: int = 0,
    ) -> None:
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer

        try:
            self._model = WhisperModel(
                str(model_dir),
                device="cpu",
                compute_type=compute_type,
                cpu_threads=threads,
            )
        except Exception as err:
            raise SttError(
                "stt-load", f"{model_dir}: cannot load Whisper ({err})"
            ) from err
        multilingual = self._model.model.is_multilingual
        self._tokenizer = Tokenizer(
            self._model.hf_tokenizer,
            multilingual,
            task="transcribe",
            language=(language or "en") if multilingual else "en",
        )
        self._beam_size = beam_size
        self._window_frames = int(window_seconds * 100) if window_seconds else 0
        self._alternatives = alternatives
        self._spellings = _spellings(self._model.hf_tokenizer, self._tokenizer.eot)

    @classmethod
    def from_config(cls, cfg: SttConfig, store: ModelStore) -> FasterWhisperTranscriber:
        model = Path(cfg.model)
        model_dir = model if model.is_dir() else store.require(cfg.model)
        return cls(
            model_dir,
            compute_type=cfg.compute_type,
            threads=cfg.threads,
            beam_size=cfg.beam_size,
            language=cfg.language,
            window_seconds=cfg.window_seconds,
            alternatives=cfg.alternatives,
        )

    def _frames_for(self, samples: int) -> int:
        if self._window_frames:
            return min(self._window_frames, _MAX_FRAMES)
        needed = max(_MIN_FRAMES, samples // _HOP + _MARGIN_FRAMES)
        return min(_MAX_FRAMES, -(-needed // 100) * 100)

    def _prompt(self, prompt: str | None, lead: str = "") -> list[int]:
        tokens: list[int] = []
        if prompt:
            encoded = self._tokenizer.encode(" " + prompt.strip())[-_PROMPT_TOKENS:]
            tokens = [self._tokenizer.sot_prev, *encoded]
        return [*tokens, *self._start(lead)]

    def _start(self, lead: str) -> list[int]:
        """The decoder's first tokens: with ``lead``, the words the audio is known
        to start with are forced (CTranslate2 continues after its prompt)."""
        start = [*self._tokenizer.sot_sequence, self._tokenizer.no_timestamps]
        if lead.strip():
            start += self._tokenizer.encode(" " + lead.strip())
        return start

    def _led(self, prompt_tokens: list[int]) -> int:
        """How many forced lead tokens follow ``no_timestamps`` in the prompt."""
        start = prompt_tokens.index(self._tokenizer.no_timestamps) + 1
        return len(prompt_tokens) - start

    def transcribe(self, audio: bytes, prompt: str | None = None) -> str:
        """Transcribe 16 kHz mono int16 PCM; ``prompt`` biases toward known words."""
        return self.hear(audio, prompt, words=False).text

    def hear(
        self,
        audio: bytes,
        prompt: str | None = None,
        *,
        lead: str = "",
        words: bool = True,
    ) -> Hearing:
        """The transcript, with each word's probability (CTranslate2's alignment
        pass over the decoded tokens, as faster-whisper computes it for
        ``word_timestamps``), the mean log-probability and the no-speech
        probability.

        ``lead``: the words the audio opens with (the wake phrase before a
        command). They are forced as the decoder's first tokens, so that the
        command's first word is heard with the sound before it rather than cut
        at the wake word ("Jarvis, is the…" lost its "is"), and they are not
        part of the transcript. Scores of other transcripts (``Hearing.score``)
        are taken after them too."""
        samples = to_float32(audio)
        seconds = len(samples) / SAMPLE_RATE
        frames = self._frames_for(len(samples))
        window = np.zeros(frames * _HOP, dtype=np.float32)
        window[: min(len(samples), len(window))] = samples[: len(window)]
        try:
            features = self._model.feature_extractor(window)[:, :frames]
            encoded = self._model.encode(features)
            prompt_tokens = self._prompt(prompt, lead)
            budget = min(_MAX_TOKENS, 8 + int(_TOKENS_PER_SECOND * seconds))
            result: Any = self._model.model.generate(
                encoded,
                [prompt_tokens],
                beam_size=self._beam_size,
                max_length=len(prompt_tokens) + budget,  # CTranslate2 counts the prompt
                suppress_blank=True,
                suppress_tokens=[-1],
                return_scores=True,
                return_no_speech_prob=True,
                return_logits_vocab=words and self._beam_size == 1,
            )[0]
            led = self._led(prompt_tokens)  # the result starts with the lead
            ids = result.sequences_ids[0][led:]
            tokens = [t for t in ids if t < self._tokenizer.eot]
            probs: tuple[tuple[str, float], ...] = ()
            if words and tokens and self._beam_size == 1:
                logits = result.logits[0][led:]
                probs = self._words(tokens, self._token_probs(tokens, logits))
            elif words and tokens:
                probs = self._word_probs(encoded, tokens, frames)
        except Exception as err:
            _LOGGER.exception("Transcription failed")
            raise SttError("stt-failed", f"transcription failed: {err}") from err
        text = drop_repetition(self._tokenizer.decode(tokens).strip())
        text = text[:1].upper() + text[1:]  # after a lead, it starts in lower case
        avg_logprob = float(result.scores[0]) * len(tokens) / (len(tokens) + 1)
        _LOGGER.debug(
            "Transcribed %.2f s (window %d frames): %r, avg log-prob %.2f, words %s",
            seconds, frames, text, avg_logprob,
            " ".join(f"{w}:{p:.2f}" for w, p in probs),
        )  # fmt: skip
        more = None
        if self._alternatives and tokens:
            more = _Once(lambda: self._more(encoded, prompt_tokens, budget, text))
        return Hearing(
            text,
            probs,
            avg_logprob,
            float(result.no_speech_prob),
            more=more,
            score=partial(self._score, encoded, frames, self._start(lead)),
        )

    def _score(
        self, encoded: Any, frames: int, start: list[int], texts: Sequence[str]
    ) -> list[float]:
        """How likely each of ``texts`` is as the transcript of the audio already
        encoded: the sum of its tokens' log-probabilities, from one batched
        forced-decoding pass (CTranslate2's alignment), as closed-vocabulary
        recognizers score their candidate sentences."""
        if not texts:
            return []
        import ctranslate2

        tokens = [self._tokenizer.encode(" " + text.strip()) for text in texts]
        one = np.asarray(encoded)
        scores: list[float] = []
        for at in range(0, len(tokens), _SCORE_BATCH):
            part = tokens[at : at + _SCORE_BATCH]
            batch = ctranslate2.StorageView.from_array(np.repeat(one, len(part), 0))
            try:
                aligned: Any = self._model.model.align(batch, start, part, frames // 2)
            except Exception as err:
                raise SttError(
                    "stt-failed", f"scoring transcripts failed: {err}"
                ) from err
            scores.extend(
                float(np.log(np.maximum(np.asarray(a.text_token_probs), 1e-12)).sum())
                for a in aligned
            )
        return scores

    def _more(
        self,
        encoded: Any,
        prompt_tokens: list[int],
        budget: int,
        heard: str,
    ) -> tuple[Hearing, ...]:
        """The beam search's other hypotheses (without word probabilities: the
        first transcript's stand for the words they share)."""
        count = self._alternatives + 1
        try:
            result: Any = self._model.model.generate(
                encoded,
                [prompt_tokens],
                beam_size=max(count, self._beam_size),
                num_hypotheses=count,
                max_length=len(prompt_tokens) + budget,
                suppress_blank=True,
                suppress_tokens=[-1],
                return_scores=True,
            )[0]
        except Exception:  # the first transcript stands on its own
            _LOGGER.exception("Decoding alternatives failed")
            return ()
        found: list[Hearing] = []
        seen = {normalize(heard)}  # punctuation and case make no new reading
        led = self._led(prompt_tokens)
        for ids, score in zip(result.sequences_ids, result.scores, strict=False):
            tokens = [t for t in ids[led:] if t < self._tokenizer.eot]
            text = drop_repetition(self._tokenizer.decode(tokens).strip())
            if not tokens or normalize(text) in seen:
                continue
            seen.add(normalize(text))
            found.append(Hearing(text, (), float(score)))
        _LOGGER.debug("Alternatives: %s", [h.text for h in found])
        return tuple(found[: self._alternatives])

    def _token_probs(self, tokens: list[int], logits: Any) -> list[float]:
        """Each decoded token's probability, with the probability of its other
        spellings added ("Close", " close", " CLOSE"): Whisper spreads a word
        over them, most of all a sentence's first word."""
        found: list[float] = []
        for token, step in zip(tokens, logits, strict=False):
            scores = np.asarray(step, dtype=np.float32)
            exp = np.exp(scores - scores.max())
            found.append(float(exp[self._spellings[token]].sum() / exp.sum()))
        return found

    def _word_probs(
        self, encoded: Any, tokens: list[int], frames: int
    ) -> tuple[tuple[str, float], ...]:
        """Word probabilities from CTranslate2's alignment pass (for beam search,
        which returns no per-step scores), as faster-whisper computes them for
        ``word_timestamps``."""
        aligned: Any = self._model.model.align(
            encoded, self._tokenizer.sot_sequence, [tokens], frames // 2
        )[0]
        return self._words(tokens, list(aligned.text_token_probs))

    def _words(
        self, tokens: list[int], token_probs: list[float]
    ) -> tuple[tuple[str, float], ...]:
        words, word_tokens = self._tokenizer.split_to_word_tokens(
            [*tokens, self._tokenizer.eot]
        )
        found: list[tuple[str, float]] = []
        index = 0
        for word, pieces in zip(words, word_tokens, strict=False):
            count = len([t for t in pieces if t < self._tokenizer.eot])
            if count == 0:
                continue
            chunk = token_probs[index : index + count]
            index += count
            key = re.sub(r"[^\w'%.-]", "", word.lower()).strip(".")
            if key and chunk:
                found.append((key, float(np.mean(chunk))))
        return tuple(found)


class SecondOpinion:
    """A transcriber with a second Whisper model beside it. Each hearing carries
    the second model's hearing of the same audio (``Hearing.second``), decoded only
    when the cascade asks for it: for what the first one's hearing cannot act on
    (``intent/second.py``). The wake word check and "stop" use the first alone."""

    def __init__(self, first: Transcriber, second: Transcriber) -> None:
        self.first, self.second = first, second

    @classmethod
    def beside(
        cls, first: Transcriber, cfg: SttConfig, store: ModelStore
    ) -> Transcriber:
        """``first`` with ``cfg.second_model`` beside it, or alone without one."""
        if not cfg.second_model:
            return first
        only = {"model": cfg.second_model, "alternatives": 0}
        second = FasterWhisperTranscriber.from_config(
            cfg.model_copy(update=only), store
        )
        return cls(first, second)

    def transcribe(self, audio: bytes, prompt: str | None = None) -> str:
        return self.first.transcribe(audio, prompt)

    def hear(
        self, audio: bytes, prompt: str | None = None, *, lead: str = ""
    ) -> Hearing:
        heard = self.first.hear(audio, prompt, lead=lead)
        return replace(heard, second=cache(partial(self._other, audio, prompt, lead)))

    def _other(self, audio: bytes, prompt: str | None, lead: str) -> Hearing | None:
        try:
            return self.second.hear(audio, prompt, lead=lead)
        except SttError as err:  # the first model's hearing stands alone
            _LOGGER.warning("The second speech model failed: %s", err)
            return None


def _spellings(tokenizer: Any, count: int) -> list[np.ndarray]:
    """For each text token, the tokens that spell the same word piece in another
    case or with another leading space."""
    keys = [
        str(tokenizer.id_to_token(i) or "").replace("\u0120", "").lower()
        for i in range(count)
    ]
    groups: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        groups.setdefault(key, []).append(index)
    arrays = {key: np.array(ids) for key, ids in groups.items()}
    return [arrays[key] for key in keys]


class _Once:
    """A computation done on the first call and remembered."""

    def __init__(self, compute: Callable[[], tuple[Hearing, ...]]) -> None:
        self._compute: Callable[[], tuple[Hearing, ...]] | None = compute
        self._value: tuple[Hearing, ...] = ()

    def __call__(self) -> tuple[Hearing, ...]:
        if self._compute is not None:
            self._value, self._compute = self._compute(), None
        return self._value


def drop_repetition(text: str) -> str:
    """Cut decoding loops: a word run repeating to the end, or a second sentence
    starting like the first ("Turn on the light. Turn on the wall. Turn")."""
    return _drop_sentence_echo(_drop_word_loop(text))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _drop_sentence_echo(text: str) -> str:
    sentences = _SENTENCE_END.split(text)
    if len(sentences) < 2:
        return text
    first = re.sub(r"[^\w ]", "", sentences[0].lower()).split()
    second = re.sub(r"[^\w ]", "", sentences[1].lower()).split()
    if len(first) >= 2 and second[:2] == first[:2]:
        return sentences[0]
    return text


def _drop_word_loop(text: str) -> str:
    """Cut a decoding loop: from the first place where a run of words repeats itself
    to the end ("lock the door, lock the door, lock the" -> "lock the door")."""
    words = text.split()
    keys = [re.sub(r"[^\w%]", "", w.lower()) for w in words]
    n = len(keys)
    for start in range(n):
        tail = keys[start:]
        for period in range(1, len(tail) // 2 + 1):
            if period == 1 and len(tail) < 3:
                continue  # "the the" is a slip, "bedroom, bedroom, bedroom" a loop
            body, last = tail[:-1], tail[-1]
            if all(body[i] == tail[i % period] for i in range(len(body))) and tail[
                (len(tail) - 1) % period
            ].startswith(last):  # the loop may stop mid-word
                return " ".join(words[: start + period]).rstrip(",;")
    return text
