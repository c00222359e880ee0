"""Curated reference data shipped with Circulair (see manifest.yaml for sources and licences)."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent


def manifest_path() -> Path:
    return DATA_DIR / "manifest.yaml"
