"""Refresh src/circulair/data/manifest.yaml: add curated files that are missing, update checksums.

Entries for derived files (``derived_by`` a script) are written by that script; this one only
refreshes their checksums. Run after editing any file under src/circulair/data/:

    .venv/bin/python scripts/update_manifest.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parents[1] / "src" / "circulair" / "data"
MANIFEST = DATA / "manifest.yaml"
IGNORED = {"manifest.yaml", "__init__.py"}

CURATED = {
    "source": "Curated by the Circulair project from the five source documents listed in "
    "knowledge/sources.yaml; every record cites its document, section and lines",
    "licence": "CC BY 4.0 (curation); facts from public documents of Vlaanderen Circulair and "
    "Departement Omgeving",
    "version": "1",
    "derived_by": "curated",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_files() -> list[Path]:
    return sorted(
        p
        for p in DATA.rglob("*")
        if p.is_file() and p.name not in IGNORED and "__pycache__" not in p.parts
    )


def main() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.exists() else {}
    entries = {e["path"]: e for e in manifest.get("files", [])}
    today = dt.date.today().isoformat()
    for p in data_files():
        rel = p.relative_to(DATA).as_posix()
        e = entries.get(rel)
        if e is None:
            e = {
                "path": rel,
                **CURATED,
                "retrieved": today,
                "citation": "see the citations of each record"
                if rel.startswith("knowledge/")
                else "",
            }
            entries[rel] = e
        if e.get("sha256") != sha256(p):
            e["sha256"] = sha256(p)
            if e.get("derived_by") == "curated":
                e["retrieved"] = today
    for rel in list(entries):
        if not (DATA / rel).exists():
            del entries[rel]
    manifest["files"] = [entries[k] for k in sorted(entries)]
    header = (
        "# Every file under src/circulair/data/ with its source, licence, version, retrieval "
        "date and checksum.\n# Curated files: scripts/update_manifest.py; derived files: "
        "the script named in derived_by.\n"
    )
    MANIFEST.write_text(
        header + yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    print(f"manifest: {len(entries)} files")


if __name__ == "__main__":
    main()
