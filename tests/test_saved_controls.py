"""Settings changed at run time survive a restart; a later edit of config.toml wins
(pure logic on a temporary state directory)."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.identity import ServiceIdentity, one_shot_client_id
from assistant.saved_controls import SavedControls


def test_kept_until_config_changes(tmp_path: Path) -> None:
    path = tmp_path / "controls.json"
    SavedControls(path).save("muted", True, False)
    SavedControls(path).save("wake_threshold", 0.7, 0.3)
    again = SavedControls(path)
    assert again.value("muted", False) is True
    assert again.value("wake_threshold", 0.3) == 0.7
    assert again.value("wake_threshold", 0.4) == 0.4  # config.toml edited since
    assert json.loads(path.read_text()) == {"muted": {"value": True, "config": False}}
    again.save("muted", False, False)  # back to what config.toml says
    assert json.loads(path.read_text()) == {}


def test_a_broken_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "controls.json"
    for text in ("{not json", "[1, 2]", '{"muted": 1}'):
        path.write_text(text)
        assert SavedControls(path).value("muted", False) is False


def test_client_ids(tmp_path: Path) -> None:
    first = ServiceIdentity("assistant", tmp_path)
    second = ServiceIdentity("assistant", tmp_path)  # same data dir: lock taken
    assert not first.duplicate and second.duplicate
    assert (
        second.client_id.startswith(first.client_id)
        and second.client_id != first.client_id
    )
    first.release()
    third = ServiceIdentity("assistant", tmp_path)
    assert not third.duplicate and third.client_id == first.client_id
    ids = {one_shot_client_id("assistant", "text") for _ in range(50)}
    assert len(ids) == 50 and all(i.startswith("assistant-text-") for i in ids)
