"""Every file under data/ is in the manifest with source, licence, version, date and checksum."""

from __future__ import annotations

import hashlib

import yaml

from circulair.data import DATA_DIR, manifest_path

REQUIRED = ("path", "source", "licence", "version", "retrieved", "sha256", "derived_by")


def _files() -> set[str]:
    return {
        p.relative_to(DATA_DIR).as_posix()
        for p in DATA_DIR.rglob("*")
        if p.is_file()
        and p.name not in ("manifest.yaml", "__init__.py")
        and "__pycache__" not in p.parts
    }


def test_every_data_file_is_in_the_manifest_with_its_checksum() -> None:
    manifest = yaml.safe_load(manifest_path().read_text(encoding="utf-8"))
    entries = {e["path"]: e for e in manifest["files"]}
    missing = sorted(_files() - set(entries))
    assert not missing, f"not in manifest.yaml (run scripts/update_manifest.py): {missing}"
    assert not sorted(set(entries) - _files()), "manifest lists files that do not exist"
    for path, e in entries.items():
        for key in REQUIRED:
            assert e.get(key), f"{path}: manifest entry lacks '{key}'"
        digest = hashlib.sha256((DATA_DIR / path).read_bytes()).hexdigest()
        assert e["sha256"] == digest, f"{path}: checksum differs; run scripts/update_manifest.py"
