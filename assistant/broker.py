"""A private MQTT broker on a free loopback port, for the demo and the benchmark.

Mosquitto when it is installed, else amqtt running inside this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from .errors import MqttError

_LOGGER = logging.getLogger(__name__)

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


async def wait_for_port(port: int, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection(HOST, port)
            writer.close()
            return
        except OSError:
            if loop.time() > deadline:
                raise MqttError(
                    "broker-start", f"no MQTT broker came up on {HOST}:{port}"
                ) from None
            await asyncio.sleep(0.05)


def mosquitto_config(port: int, extra: str = "") -> str:
    lines = [
        f"listener {port} {HOST}",
        "allow_anonymous true",
        "persistence false",
        "set_tcp_nodelay true",  # acknowledgements without Nagle's 40 ms wait
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        lines.append(
            "user root"
        )  # as root it would switch to a user that cannot write here
    return "\n".join(lines) + "\n" + extra


class EmbeddedBroker:
    """``async with EmbeddedBroker() as port:`` gives a running broker on 127.0.0.1."""

    def __init__(
        self, port: int | None = None, *, prefer_mosquitto: bool = True
    ) -> None:
        self.port = port or free_port()
        self._mosquitto = shutil.which("mosquitto") if prefer_mosquitto else None
        self._process: subprocess.Popen[bytes] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._amqtt: object | None = None

    @property
    def kind(self) -> str:
        return "mosquitto" if self._mosquitto else "amqtt"

    async def __aenter__(self) -> int:
        if self._mosquitto:
            self._tmp = tempfile.TemporaryDirectory(prefix="assistant-mosquitto-")
            conf = Path(self._tmp.name) / "mosquitto.conf"
            conf.write_text(mosquitto_config(self.port))
            self._process = subprocess.Popen(
                [self._mosquitto, "-c", str(conf)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        else:
            from amqtt.broker import Broker

            broker = Broker(
                {
                    "listeners": {
                        "default": {"type": "tcp", "bind": f"{HOST}:{self.port}"}
                    },
                    "sys_interval": 0,
                    "auth": {"allow-anonymous": True},
                    "topic-check": {"enabled": False},
                }
            )
            await broker.start()
            self._amqtt = broker
        await wait_for_port(self.port)
        _LOGGER.info("Started a private %s broker on %s:%d", self.kind, HOST, self.port)
        return self.port

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=5)
        if self._amqtt is not None:
            await self._amqtt.shutdown()  # type: ignore[attr-defined]
        if self._tmp is not None:
            self._tmp.cleanup()
