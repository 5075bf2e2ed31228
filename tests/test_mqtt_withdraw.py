"""A command the broker never acknowledged is withdrawn: not sent again when the
client reconnects. A minimal MQTT 3.1.1 broker stands in for one that answered the
probe and then stalled (a real Mosquitto cannot be stopped at that instant)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from assistant.broker import free_port
from assistant.config import MqttConfig
from assistant.errors import MqttError
from assistant.home.model import Command
from assistant.home.registry import DeviceRegistry
from assistant.mqtt import HomeAssistantMqtt


class StallingBroker:
    """Acknowledges everything but PUBLISHes to ``stall`` (recorded, with their
    DUP flag); drops the first connection when told to, so the client reconnects."""

    def __init__(self, stall: str) -> None:
        self.port = free_port()
        self.stall = stall.encode()
        self.published: list[tuple[str, bool]] = []
        self.connections = 0
        self._server = socket.create_server(("127.0.0.1", self.port))
        self._conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            while True:
                try:
                    head = _read(conn, 1)
                    length = _length(conn)
                    body = _read(conn, length)
                except OSError:
                    return
                kind = head[0] >> 4
                if kind == 1:  # CONNECT
                    conn.sendall(b"\x20\x02\x00\x00")
                elif kind == 3:  # PUBLISH (QoS 1)
                    size = int.from_bytes(body[:2], "big")
                    topic, pid = body[2 : 2 + size], body[2 + size : 4 + size]
                    self.published.append((topic.decode(), bool(head[0] & 0x08)))
                    if topic != self.stall:
                        conn.sendall(b"\x40\x02" + pid)
                elif kind == 8:  # SUBSCRIBE
                    pos, codes = 2, b""
                    while pos < len(body):  # length, topic, options: one code each
                        pos += 2 + int.from_bytes(body[pos : pos + 2], "big") + 1
                        codes += b"\x01"
                    conn.sendall(bytes([0x90, 2 + len(codes)]) + body[:2] + codes)
                elif kind == 12:  # PINGREQ
                    conn.sendall(b"\xd0\x00")

    def drop(self) -> None:
        for conn in self._conns:
            with contextlib.suppress(OSError):  # already closed
                conn.shutdown(socket.SHUT_RDWR)
        self._conns.clear()

    def close(self) -> None:
        self._server.close()
        self.drop()


def _read(conn: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        more = conn.recv(count - len(data))
        if not more:
            raise OSError("closed")
        data += more
    return data


def _length(conn: socket.socket) -> int:
    value, shift = 0, 0
    while True:
        byte = _read(conn, 1)[0]
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value
        shift += 7


@pytest.fixture
def stalling() -> Iterator[StallingBroker]:
    broker = StallingBroker("t/front_door/set")
    yield broker
    broker.close()


async def test_an_unacknowledged_command_is_never_sent_again(
    stalling: StallingBroker,
) -> None:
    cfg = MqttConfig(
        host="127.0.0.1", port=stalling.port, client_id="withdraw-test",
        discovery_settle_seconds=0.0, command_timeout_seconds=0.5,
    )  # fmt: skip
    adapter = HomeAssistantMqtt(cfg, DeviceRegistry())
    await adapter.start()
    try:
        with pytest.raises(MqttError, match="UNLOCK on t/front_door/set"):
            await adapter.publish([Command("t/front_door/set", "UNLOCK")])
        assert ("t/front_door/set", False) in stalling.published
        stalling.drop()
        for _ in range(100):  # the client reconnects (after about 1 s)
            await asyncio.sleep(0.1)
            if stalling.connections >= 2 and adapter._client.is_connected():
                break
        assert stalling.connections >= 2
        await adapter.publish([Command("t/kitchen/light/set", "ON")])
        await asyncio.sleep(0.5)
        sent = [topic for topic, _ in stalling.published]
        assert sent.count("t/front_door/set") == 1, stalling.published
        assert sent[-1] == "t/kitchen/light/set"
    finally:
        await adapter.stop()
