"""The LLM in its own process: a hang or crash in llama.cpp cannot freeze the
audio loop, and the assistant replaces a dead or stuck worker on the next request.

The worker keeps one static prompt prefix (instructions, the user's devices,
examples) evaluated in llama.cpp's KV cache; a request evaluates only its own
tokens after it, small talk included (its chat prompt follows the prefix), so the
prefix is never evaluated twice. Requests and replies are small tuples over a pipe.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..errors import AssistantError

_LOGGER = logging.getLogger(__name__)

_START_SECONDS = 60.0
"""Loading the model and evaluating the prefix: generous, it happens rarely."""
_NICE = 5
"""The worker runs at a lower CPU priority than the audio it serves."""
_CONTEXT_TOKENS = 2048
_REQUEST_TOKENS = 512
"""Kept free after the prefix for one request: its words, a candidate, a reply."""


class LlmError(AssistantError):
    def __init__(self, message: str) -> None:
        super().__init__("llm", message)


class _WorkerDied(LlmError):
    """The worker process ended (a crash in llama.cpp): another is started."""


@dataclass(frozen=True)
class Scores:
    logprobs: list[float]
    """Log-probability of each candidate continuation, in order."""
    evaluated: int
    """Tokens llama.cpp evaluated for this request (the prefix excluded)."""


@dataclass(frozen=True)
class Answer:
    text: str
    evaluated: int


class LlmWorker:
    """Client side: starts the worker process, sends requests with a deadline."""

    def __init__(
        self, model: Path, *, threads: int = 2, timeout_seconds: float = 3.0
    ) -> None:
        self._model = model
        self._threads = threads
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._prefix = ""
        self._sent_prefix: str | None = None
        self.prefix_tokens = 0
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def set_prefix(self, prefix: str) -> None:
        """The static prompt; evaluated once, on the next request."""
        self._prefix = prefix

    def warm(self) -> None:
        """Start the worker and evaluate the prefix now, not on the first request."""
        with self._lock:
            self._ready()

    def score(self, query: str, candidates: list[str]) -> Scores:
        logprobs, evaluated = self._request(("score", query, candidates))
        return Scores(logprobs, evaluated)

    def chat(self, system: str, text: str, max_tokens: int) -> Answer:
        reply, evaluated = self._request(("chat", system, text, max_tokens))
        return Answer(reply, evaluated)

    def close(self) -> None:
        with self._lock:
            self._stop()

    # -- process management ---------------------------------------------------------

    def _request(self, message: tuple[Any, ...]) -> Any:
        with self._lock:
            for attempt in (1, 2):
                try:
                    conn = self._ready()
                    conn.send(message)
                    if not conn.poll(self.timeout_seconds):
                        _LOGGER.warning(
                            "LLM worker gave no answer in %.1f s: restarting it",
                            self.timeout_seconds,
                        )
                        self._stop()
                        raise LlmError("the language model took too long")
                    kind, *payload = conn.recv()
                except (EOFError, OSError, _WorkerDied) as err:
                    _LOGGER.warning("LLM worker died (%s): restarting it", err)
                    self._stop()
                    if attempt == 2:
                        raise LlmError("the language model worker died") from err
                    continue
                if kind == "error":
                    raise LlmError(str(payload[0]))
                return payload
        raise AssertionError("unreachable")

    def _ready(self) -> Connection:
        if self._proc is None or self._proc.poll() is not None or self._conn is None:
            self._stop()
            self._start()
        assert self._conn is not None
        if self._sent_prefix != self._prefix:
            try:
                self._conn.send(("prefix", self._prefix))
                if not self._conn.poll(_START_SECONDS):
                    self._stop()
                    raise LlmError("the language model did not start")
                kind, *payload = self._conn.recv()
            except (EOFError, OSError) as err:  # it died loading or evaluating
                self._stop()
                raise _WorkerDied(
                    f"the language model worker died reading its prompt ({err!r})"
                ) from err
            if kind == "error":
                self._stop()
                raise LlmError(str(payload[0]))
            self.prefix_tokens = int(payload[0])
            self._sent_prefix = self._prefix
        return self._conn

    def _start(self) -> None:
        if self._proc is not None:
            self.restarts += 1
        ours, theirs = socket.socketpair()
        fd = theirs.fileno()
        proc = subprocess.Popen(
            [sys.executable, "-m", __name__, str(fd), str(self._model),
             str(self._threads)],
            pass_fds=(fd,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # `assistant run --json` owns stdout
            stderr=subprocess.DEVNULL,  # llama.cpp's load chatter; errors come back
        )  # fmt: skip
        theirs.close()
        self._proc, self._conn = proc, Connection(ours.detach())
        self._sent_prefix = None
        _LOGGER.info("LLM worker %d started (%s)", proc.pid, self._model.name)

    def _stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(5)
        self._conn = None
        self._sent_prefix = None


# -- the worker process ---------------------------------------------------------------


def serve(conn: Connection, model: str, threads: int) -> None:
    """Worker main loop (runs in the child process)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    with contextlib.suppress(OSError):  # capture and wake word come first on a
        os.nice(_NICE)  # busy machine: model loading must not make the mic lose audio
    try:
        engine = _Engine(model, threads)
    except Exception as err:  # reported to the parent
        conn.send(("error", f"cannot load {model}: {err}"))
        return
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the assistant went away
        try:
            conn.send(engine.handle(message))
        except Exception as err:  # reported to the parent
            conn.send(("error", f"{type(err).__name__}: {err}"))


class _Engine:
    def __init__(self, model: str, threads: int) -> None:
        from llama_cpp import Llama

        self._llm = Llama(
            model_path=model,
            n_ctx=_CONTEXT_TOKENS,
            n_batch=128,  # llama.cpp keeps logits for a whole batch: 25 MB, not 100
            n_threads=1,  # generation: llama.cpp threads busy-wait
            n_threads_batch=threads,
            logits_all=True,
            verbose=False,
        )
        self._prefix: list[int] = []
        self._chat_format = _chat_format(self._llm)

    def handle(self, message: tuple[Any, ...]) -> tuple[Any, ...]:
        kind = message[0]
        if kind == "prefix":
            return ("ok", self._set_prefix(message[1]))
        if kind == "score":
            return ("scores", *self._score(message[1], message[2]))
        if kind == "chat":
            return ("text", *self._chat(*message[1:]))
        raise ValueError(f"unknown request {kind!r}")

    def _tokens(self, text: str) -> list[int]:
        return self._llm.tokenize(text.encode(), add_bos=False, special=False)

    def _set_prefix(self, text: str) -> int:
        llm = self._llm
        prefix = llm.tokenize(text.encode(), add_bos=True, special=False)
        budget = _CONTEXT_TOKENS - _REQUEST_TOKENS
        if len(prefix) > budget:  # llama_decode would fail on every request
            raise ValueError(
                f"the prompt prefix has {len(prefix)} tokens, over the {budget} "
                f"that the model's {_CONTEXT_TOKENS}-token context leaves"
            )
        self._prefix = prefix
        llm.reset()
        llm.eval(self._prefix)
        return len(self._prefix)

    def _at_prefix(self) -> None:
        llm, n = self._llm, len(self._prefix)
        if llm.n_tokens < n or list(llm.input_ids[:n]) != self._prefix:
            llm.reset()  # not expected: every request keeps the prefix
            llm.eval(self._prefix)
        llm.n_tokens = n

    def _score(self, query: str, candidates: list[str]) -> tuple[list[float], int]:
        import numpy as np

        llm = self._llm
        self._at_prefix()
        query_tokens = self._tokens(query)
        llm.eval(query_tokens)
        base = llm.n_tokens
        evaluated = len(query_tokens)
        logprobs: list[float] = []
        for candidate in candidates:
            tokens = self._tokens(candidate)
            llm.n_tokens = base
            llm.eval(tokens)
            evaluated += len(tokens)
            rows = np.asarray(llm.scores[base - 1 : base - 1 + len(tokens)], "float64")
            top = rows.max(axis=1, keepdims=True)
            norm = top[:, 0] + np.log(np.exp(rows - top).sum(axis=1))
            picked = rows[np.arange(len(tokens)), tokens]
            logprobs.append(float((picked - norm).sum()))
        return logprobs, evaluated

    def _chat(self, system: str, text: str, max_tokens: int) -> tuple[str, int]:
        """Generate after the cached prefix, which stays in place for scoring."""
        self._at_prefix()
        prompt, stop = self._chat_format(system, text)
        tokens = self._llm.tokenize(prompt.encode(), add_bos=False, special=True)
        out = self._llm.create_completion(
            prompt=self._prefix + tokens,
            max_tokens=max_tokens,
            temperature=0.0,
            stop=["\n", *stop],
        )
        reply = out["choices"][0]["text"] or ""  # type: ignore[index]
        return reply.strip(), len(tokens)


def _chat_format(llm: Any) -> Callable[[str, str], tuple[str, list[str]]]:
    """The model's own chat template; a plain Q/A form for a model without one."""
    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        return lambda system, text: (f"\n{system}\nQ: {text}\nA:", [])
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    def token(key: str) -> str:
        index = int(llm.metadata.get(key, -1))
        return llm._model.token_get_text(index) if index >= 0 else ""

    formatter = Jinja2ChatFormatter(
        template, token("tokenizer.ggml.eos_token_id"),
        token("tokenizer.ggml.bos_token_id"),
    )  # fmt: skip

    def render(system: str, text: str) -> tuple[str, list[str]]:
        response = formatter(
            messages=[
                {"role": "system", "content": system},
                {"role": "user", "content": text},
            ]
        )
        stop = response.stop
        stops = [stop] if isinstance(stop, str) else list(stop or [])
        return response.prompt, stops

    return render


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]))
