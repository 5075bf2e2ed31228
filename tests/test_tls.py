"""TLS with a self-signed CA and password authentication, against a Mosquitto the test
configures for them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from assistant.broker import HOST, free_port, mosquitto_config

from .conftest import ROOT, _wait_port
from .home import DISCOVERY, STATES

USER, PASSWORD = "assistant", "s3cret-pw"


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)


def _certificates(folder: Path) -> dict[str, Path]:
    ca_key, ca = folder / "ca.key", folder / "ca.crt"
    key, csr, cert = folder / "server.key", folder / "server.csr", folder / "server.crt"
    ext = folder / "san.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=Test CA", "-keyout", str(ca_key), "-out", str(ca))  # fmt: skip
    _run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(csr))  # fmt: skip
    _run("openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey",
         str(ca_key), "-CAcreateserial", "-days", "2", "-extfile", str(ext),
         "-out", str(cert))  # fmt: skip
    client_key, client_csr = folder / "client.key", folder / "client.csr"
    _run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=assistant",
         "-keyout", str(client_key), "-out", str(client_csr))  # fmt: skip
    _run("openssl", "x509", "-req", "-in", str(client_csr), "-CA", str(ca), "-CAkey",
         str(ca_key), "-CAcreateserial", "-days", "2",
         "-out", str(folder / "client.crt"))  # fmt: skip
    return {"ca": ca, "cert": cert, "key": key}


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for tool in ("openssl", "mosquitto", "mosquitto_passwd"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing (apt-get install openssl mosquitto)")
    folder = tmp_path_factory.mktemp("tls")
    _certificates(folder)
    return folder


@contextmanager
def _broker(folder: Path, extra: str) -> Iterator[dict[str, Any]]:
    passwords = folder / "passwords"
    _run("mosquitto_passwd", "-b", "-c", str(passwords), USER, PASSWORD)
    port = free_port()
    conf = folder / f"mosquitto-{port}.conf"
    conf.write_text(
        mosquitto_config(port).replace("allow_anonymous true", "allow_anonymous false")
        + f"cafile {folder / 'ca.crt'}\ncertfile {folder / 'server.crt'}\n"
        + f"keyfile {folder / 'server.key'}\npassword_file {passwords}\n{extra}"
    )
    proc = subprocess.Popen(["mosquitto", "-c", str(conf)], stderr=subprocess.DEVNULL)
    try:
        _wait_port(port)
        yield {"port": port, "ca": folder / "ca.crt", "folder": folder}
    finally:
        proc.terminate()
        proc.wait(timeout=5)


@pytest.fixture(scope="module")
def secure_broker(certificates: Path) -> Iterator[dict[str, Any]]:
    """TLS with a password."""
    with _broker(certificates, "") as broker:
        yield broker


@pytest.fixture(scope="module")
def mutual_broker(certificates: Path) -> Iterator[dict[str, Any]]:
    """TLS with a password and a client certificate signed by the same CA."""
    with _broker(certificates, "require_certificate true\n") as broker:
        yield broker


def _client(broker: dict[str, Any], password: str = PASSWORD) -> Any:
    import paho.mqtt.client as paho

    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2, client_id=f"tls-{os.getpid()}"
    )
    folder = broker["folder"]
    client.tls_set(
        ca_certs=str(broker["ca"]),
        certfile=str(folder / "client.crt"),
        keyfile=str(folder / "client.key"),
    )
    client.username_pw_set(USER, password)
    client.connect(HOST, broker["port"], 30)
    client.loop_start()
    return client


def _config(broker: dict[str, Any], protocol: str, extra: str = "") -> Path:
    path = broker["folder"] / f"config-{protocol}.toml"
    path.write_text(
        f'[models]\ndir = "{ROOT / "models"}"\n'
        f'[mqtt]\nhost = "127.0.0.1"\nport = {broker["port"]}\nusername = "{USER}"\n'
        f'tls = true\ntls_ca_file = "{broker["ca"]}"\nprotocol = "{protocol}"\n{extra}'
    )
    return path


def _text(
    config: Path, password: str, sentence: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "text", "--config", str(config), "--json",
         sentence],
        cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**os.environ, "ASSISTANT_MQTT_PASSWORD": password},
    )  # fmt: skip


def _turn_on_the_porch_light(broker: dict[str, Any], config: Path) -> None:
    home = _client(broker)
    received: list[tuple[str, str]] = []
    home.on_message = lambda c, u, m: received.append((m.topic, m.payload.decode()))
    home.subscribe([("t/#", 1), ("tasmota/#", 1)])
    for topic, table in DISCOVERY.items():
        home.publish(topic, json.dumps(table), qos=1, retain=True).wait_for_publish(5)
    for topic, payload in STATES.items():
        home.publish(topic, payload, qos=1, retain=True).wait_for_publish(5)
    try:
        proc = _text(config, PASSWORD, "turn on the porch light")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["commands"] == [
            {"topic": "tasmota/porch/cmnd/POWER", "payload": "ON"}
        ]
        for _ in range(50):
            if ("tasmota/porch/cmnd/POWER", "ON") in received:
                break
            time.sleep(0.1)
        assert ("tasmota/porch/cmnd/POWER", "ON") in received
    finally:
        home.disconnect()
        home.loop_stop()


@pytest.mark.model  # the shipped config's LLM
@pytest.mark.parametrize("protocol", ["3.1.1", "5"])
def test_tls_and_password(secure_broker: dict[str, Any], protocol: str) -> None:
    _turn_on_the_porch_light(secure_broker, _config(secure_broker, protocol))


@pytest.mark.model  # the shipped config's LLM
@pytest.mark.parametrize("protocol", ["3.1.1", "5"])
def test_client_certificate(mutual_broker: dict[str, Any], protocol: str) -> None:
    # paths relative to the config file's folder, as a user would write them
    certificate = 'tls_cert_file = "client.crt"\ntls_key_file = "client.key"\n'
    config = _config(mutual_broker, protocol, certificate)
    _turn_on_the_porch_light(mutual_broker, config)


@pytest.mark.model  # the shipped config's LLM
def test_without_the_client_certificate_the_broker_says_no(
    mutual_broker: dict[str, Any],
) -> None:
    proc = _text(_config(mutual_broker, "3.1.1"), PASSWORD, "what time is it")
    assert proc.returncode != 0
    errors = [
        line for line in proc.stderr.splitlines() if line.startswith("assistant:")
    ]
    assert len(errors) == 1 and "127.0.0.1" in errors[0], proc.stderr


def test_a_missing_certificate_file_names_the_field(
    secure_broker: dict[str, Any],
) -> None:
    config = _config(secure_broker, "3.1.1", 'tls_cert_file = "nowhere.crt"\n')
    proc = _text(config, PASSWORD, "what time is it")
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1] == (
        f"assistant: error: {config}:10: mqtt.tls_cert_file: no file "
        f"{config.parent / 'nowhere.crt'} (got 'nowhere.crt')"
    )


@pytest.mark.model  # the shipped config's LLM
def test_wrong_password_is_one_clear_line(secure_broker: dict[str, Any]) -> None:
    proc = _text(_config(secure_broker, "3.1.1"), "wrong", "what time is it")
    assert proc.returncode != 0
    errors = [
        line for line in proc.stderr.splitlines() if line.startswith("assistant:")
    ]
    assert len(errors) == 1 and "Not authorized" in errors[0], proc.stderr


@pytest.mark.model  # the shipped config's LLM
def test_unknown_ca_is_refused(secure_broker: dict[str, Any], tmp_path: Path) -> None:
    config = _config(secure_broker, "3.1.1")
    other = tmp_path / "other-ca.crt"
    _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=Other", "-keyout", str(tmp_path / "k"),
         "-out", str(other))  # fmt: skip
    config.write_text(config.read_text().replace(str(secure_broker["ca"]), str(other)))
    proc = _text(config, PASSWORD, "what time is it")
    assert proc.returncode != 0
    assert "certificate verify failed" in proc.stderr
