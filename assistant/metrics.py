"""Per-stage latency of every spoken command, as Prometheus histograms a user can
graph: served in Prometheus' text format on a loopback-only port, off by default
(``[metrics] port``).

The stages are those ``assistant bench`` and ``assistant eval`` print: wake word,
the silence waited for after speech, speech-to-text, understanding, the action
(MQTT publish), and the first sound of the reply after that.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry, Histogram

_LOGGER = logging.getLogger(__name__)

HOST = "127.0.0.1"
"""Only this machine can read the figures."""

STAGES = ("wake", "endpoint_wait", "stt", "intent", "action", "first_audio")
"""``RunResult.timings_ms`` keys; ``run`` times the reply's first sound itself,
as it plays."""
COMMAND_STAGES = STAGES[:-1]
"""From the wake word to the action: every heard command has them."""

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0,
            1.5, 2.5, 5.0)  # fmt: skip


class StageMetrics:
    """Histograms of seconds by stage, and commands by how they ended."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.registry: CollectorRegistry = CollectorRegistry()
        self._seconds: Histogram = Histogram(
            "assistant_stage_seconds",
            "Time spent in each stage of a spoken command",
            ["stage"],
            registry=self.registry,
            buckets=_BUCKETS,
        )
        self._after_speech = Histogram(
            "assistant_after_speech_seconds",
            "End of speech to the action done (endpoint wait, STT, intent, action)",
            registry=self.registry,
            buckets=_BUCKETS,
        )
        self._commands = Counter(
            "assistant_commands",
            "Spoken commands by how they ended",
            ["outcome"],
            registry=self.registry,
        )
        for stage in STAGES:  # every series exists from the start, at zero
            self._seconds.labels(stage)

    def observe(self, stage: str, ms: float) -> None:
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        self._seconds.labels(stage).observe(ms / 1000)

    def command(self, timings_ms: dict[str, float], outcome: str) -> None:
        """One command heard: its stages up to the action, and how it ended
        (acted, asked, answered, refused, error)."""
        for stage in COMMAND_STAGES:
            self.observe(stage, timings_ms.get(stage, 0.0))
        self._after_speech.observe(timings_ms.get("total_after_speech_end", 0.0) / 1000)
        self._commands.labels(outcome).inc()

    def serve(self, port: int) -> bool:
        """Serve ``/metrics`` on the loopback port; False (logged) if it cannot."""
        from prometheus_client import start_http_server

        try:
            start_http_server(port, addr=HOST, registry=self.registry)
        except OSError as err:
            _LOGGER.error("metrics.port %d: cannot serve metrics there: %s", port, err)
            return False
        _LOGGER.info("Metrics at http://%s:%d/metrics", HOST, port)
        return True
