"""Installing a speech model safely: fetch or take a zip/directory, verify every file,
swap it in.

No Chinese vosk model can be had from the package registries, so operators install
one themselves: ``fetch`` downloads the published zip where there is internet;
``install`` takes a zip or a directory already on the machine (an offline one).
Either way every file the manifest lists must be there with its size and SHA-256
(``voice/data/<model>.files.sha256``, kept in the project), or nothing is installed.

Installing is atomic as far as a directory can be: the model is unpacked and
verified in a staging directory beside the target (same filesystem), then renamed
into place; a model already there is moved aside first and removed only after the new
one is in place, so a failed install leaves the old model untouched. A marker file
(``BUTLER_MODEL.json``) records what was installed from where, so a quick status check
(``status``) needs no hashing; ``verify`` hashes everything again.

Nothing here runs unless an operator asks: the butler never downloads at run time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from voice.errors import ModelInstallError, ModelVerificationFailed

__all__ = ["ModelSpec", "MODELS", "ManifestEntry", "VerifyReport", "read_manifest", "verify", "install",
           "install_from_zip", "install_from_dir", "fetch", "status", "default_model_dir", "MARKER"]

DATA_DIR = Path(__file__).parent / "data"
MARKER = "BUTLER_MODEL.json"
MAX_UNPACKED_BYTES = 4 * 1024**3  # far above any vosk model we take; stops a zip bomb
_CHUNK = 1024 * 1024

Progress = Callable[[int, int | None], None]  # (bytes done, bytes in all or None)


@dataclass(frozen=True)
class ModelSpec:
    name: str
    url: str
    archive_size: int | None
    manifest: str  # file name in voice/data
    license: str
    about: str

    @property
    def manifest_path(self) -> Path:
        return DATA_DIR / self.manifest


MODELS: dict[str, ModelSpec] = {
    "vosk-small-cn": ModelSpec(
        name="vosk-small-cn",
        url="https://alphacephei.com/vosk/models/vosk-model-small-cn-0.22.zip",
        archive_size=43_898_754,
        manifest="vosk-model-small-cn-0.22.files.sha256",
        license="Apache-2.0",
        about="vosk-model-small-cn-0.22: Mandarin, 42 MB, CER 23.54 (SpeechIO-02) / 17.15 (THCHS)",
    ),
}


def default_model_dir(name: str = "vosk-small-cn") -> Path:
    """Where a model goes unless told otherwise: ``BUTLER_VOSK_MODEL_DIR``, else
    ``$BUTLER_DATA_DIR/models/<name>``, else the project's ``var/models/<name>`` — the
    same places the application's settings use (the library cannot import them)."""
    if os.environ.get("BUTLER_VOSK_MODEL_DIR") and name == "vosk-small-cn":
        return Path(os.environ["BUTLER_VOSK_MODEL_DIR"]).expanduser()
    data_dir = Path(os.environ.get("BUTLER_DATA_DIR") or Path(__file__).resolve().parents[1] / "var")
    return data_dir.expanduser() / "models" / name


# -- manifests and verification ------------------------------------------------------
@dataclass(frozen=True)
class ManifestEntry:
    path: str
    size: int
    sha256: str


def read_manifest(path: Path) -> list[ManifestEntry]:
    """``<sha256>  <relative path>  <size>`` per line; ``#`` starts a comment."""
    entries = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3 or len(parts[0]) != 64 or not parts[2].isdigit():
            raise ValueError(f"{path}:{number}: expected '<sha256>  <path>  <size>', got {line!r}")
        rel = parts[1]
        if rel.startswith("/") or ".." in Path(rel).parts:
            raise ValueError(f"{path}:{number}: unsafe path {rel!r}")
        entries.append(ManifestEntry(rel, int(parts[2]), parts[0].lower()))
    if not entries:
        raise ValueError(f"{path}: the manifest lists no files")
    return entries


@dataclass
class VerifyReport:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    wrong_size: list[str] = field(default_factory=list)
    wrong_hash: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # files the manifest does not list: allowed

    @property
    def ok(self) -> bool:
        return not (self.missing or self.wrong_size or self.wrong_hash)

    def problems(self) -> list[str]:
        return ([f"missing: {p}" for p in self.missing] + [f"wrong size: {p}" for p in self.wrong_size]
                + [f"wrong sha256: {p}" for p in self.wrong_hash])


def verify(model_dir: Path, manifest: list[ManifestEntry]) -> VerifyReport:
    """Every manifest file present with its size and SHA-256 (sizes first: cheap)."""
    model_dir = Path(model_dir)
    report = VerifyReport()
    for entry in manifest:
        path = model_dir / entry.path
        if not path.is_file():
            report.missing.append(entry.path)
        elif path.stat().st_size != entry.size:
            report.wrong_size.append(entry.path)
        elif _sha256(path) != entry.sha256:
            report.wrong_hash.append(entry.path)
        else:
            report.checked += 1
    listed = {e.path for e in manifest} | {MARKER}
    if model_dir.is_dir():
        report.extra = sorted(p.relative_to(model_dir).as_posix() for p in model_dir.rglob("*")
                              if p.is_file() and p.relative_to(model_dir).as_posix() not in listed)
    return report


def status(model_dir: Path, spec: ModelSpec, *, manifest_path: Path | None = None) -> str:
    """``missing``, ``installed`` (by this module, against this manifest) or
    ``unverified`` (a directory someone put there): cheap, for health checks."""
    model_dir = Path(model_dir)
    if not (model_dir / "am" / "final.mdl").is_file() and not (model_dir / "final.mdl").is_file():
        return "missing"
    try:
        marker = json.loads((model_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "unverified"
    if marker.get("model") == spec.name and marker.get("manifest_sha256") == _sha256(manifest_path or spec.manifest_path):
        return "installed"
    return "unverified"


# -- installing ------------------------------------------------------------------------
def install(source: Path, dest: Path, spec: ModelSpec, *, manifest_path: Path | None = None) -> VerifyReport:
    """Install from a zip archive or a model directory (see ``install_from_zip``)."""
    source = Path(source)
    if source.is_dir():
        return install_from_dir(source, dest, spec, manifest_path=manifest_path)
    if source.is_file():
        return install_from_zip(source, dest, spec, manifest_path=manifest_path)
    raise ModelInstallError(f"{source} does not exist")


def install_from_zip(archive: Path, dest: Path, spec: ModelSpec, *, manifest_path: Path | None = None,
                     source_label: str | None = None) -> VerifyReport:
    manifest = read_manifest(manifest_path or spec.manifest_path)
    archive = Path(archive)
    if not zipfile.is_zipfile(archive):
        raise ModelInstallError(f"{archive} is not a zip archive")
    staging = _staging_dir(dest)
    try:
        with zipfile.ZipFile(archive) as zf:
            root = _zip_root(zf, manifest)
            _safe_extract(zf, root, staging)
        return _verify_and_swap(staging, dest, spec, manifest, manifest_path, source_label or str(archive))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def install_from_dir(source: Path, dest: Path, spec: ModelSpec, *,
                     manifest_path: Path | None = None) -> VerifyReport:
    manifest = read_manifest(manifest_path or spec.manifest_path)
    source = Path(source).resolve()
    if source == Path(dest).resolve():
        raise ModelInstallError(f"{source} is already the model directory; use verify")
    staging = _staging_dir(dest)
    try:
        shutil.copytree(source, staging, symlinks=False, dirs_exist_ok=True)
        return _verify_and_swap(staging, dest, spec, manifest, manifest_path, str(source))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def fetch(spec: ModelSpec, dest: Path, *, url: str | None = None, timeout: float = 60.0,
          progress: Progress | None = None, manifest_path: Path | None = None) -> VerifyReport:
    """Download the model's zip (``url`` overrides the published one, e.g. a local
    mirror), then install it as ``install_from_zip`` does."""
    import httpx

    url = url or spec.url
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.parent / f".{dest.name}.download-{uuid.uuid4().hex[:8]}.zip"
    try:
        try:
            with httpx.stream("GET", url, follow_redirects=True, timeout=timeout) as response:
                if response.status_code != 200:
                    raise ModelInstallError(f"downloading {url} failed: HTTP {response.status_code}")
                total = int(response.headers.get("content-length") or 0) or spec.archive_size
                if spec.archive_size and url == spec.url and total != spec.archive_size:
                    raise ModelInstallError(f"{url} is {total:,} bytes, expected {spec.archive_size:,}")
                done = 0
                with part.open("wb") as out:
                    for chunk in response.iter_bytes(_CHUNK):
                        out.write(chunk)
                        done += len(chunk)
                        if done > MAX_UNPACKED_BYTES:
                            raise ModelInstallError(f"{url} is larger than {MAX_UNPACKED_BYTES:,} bytes")
                        if progress:
                            progress(done, total)
        except httpx.HTTPError as error:
            raise ModelInstallError(f"downloading {url} failed ({type(error).__name__}: {error}); without "
                                    f"internet, copy the zip here and use `install`") from None
        return install_from_zip(part, dest, spec, manifest_path=manifest_path, source_label=url)
    finally:
        part.unlink(missing_ok=True)


# -- internals -------------------------------------------------------------------------
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _staging_dir(dest: Path) -> Path:
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = dest.parent / f".{dest.name}.staging-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    return staging


def _zip_root(zf: zipfile.ZipFile, manifest: list[ManifestEntry]) -> str:
    """The folder inside the archive that holds the model (upstream zips have one
    top folder, ``vosk-model-small-cn-0.22/``; a zip of the files alone has none)."""
    anchor = manifest[0].path
    candidates = sorted((n[: -len(anchor)] for n in zf.namelist() if n == anchor or n.endswith("/" + anchor)),
                        key=len)
    if not candidates:
        raise ModelVerificationFailed(f"the archive holds no {anchor}: not this model")
    return candidates[0]


def _safe_extract(zf: zipfile.ZipFile, root: str, target: Path) -> None:
    total = 0
    target = target.resolve()
    for info in zf.infolist():
        if not info.filename.startswith(root) or info.is_dir():
            continue
        rel = info.filename[len(root):]
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ModelInstallError(f"the archive holds a symbolic link ({info.filename}): refused")
        out = (target / rel).resolve()
        if not out.is_relative_to(target):
            raise ModelInstallError(f"the archive holds a path outside its folder ({info.filename}): refused")
        total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            raise ModelInstallError(f"the archive unpacks to more than {MAX_UNPACKED_BYTES:,} bytes: refused")
        out.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, out.open("wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)


def _verify_and_swap(staging: Path, dest: Path, spec: ModelSpec, manifest: list[ManifestEntry],
                     manifest_path: Path | None, source: str) -> VerifyReport:
    report = verify(staging, manifest)
    if not report.ok:
        shown = report.problems()
        more = f" (and {len(shown) - 8} more)" if len(shown) > 8 else ""
        raise ModelVerificationFailed(f"{source} does not match the manifest {spec.manifest}: "
                                      f"{'; '.join(shown[:8])}{more}. Nothing was installed.")
    (staging / MARKER).write_text(json.dumps({
        "model": spec.name,
        "manifest": spec.manifest,
        "manifest_sha256": _sha256(manifest_path or spec.manifest_path),
        "files": len(manifest),
        "source": source,
        "installed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    dest = Path(dest)
    old = None
    if dest.exists() or dest.is_symlink():
        old = dest.parent / f".{dest.name}.old-{uuid.uuid4().hex[:8]}"
        os.replace(dest, old)
    try:
        os.replace(staging, dest)
    except OSError:
        if old is not None:
            os.replace(old, dest)  # put the previous model back
        raise
    if old is not None:
        if old.is_symlink() or old.is_file():
            old.unlink()
        else:
            shutil.rmtree(old, ignore_errors=True)
    return report
