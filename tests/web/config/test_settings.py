"""Settings read from the environment: the kept secret key."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[3] / "src")


def _settings(data_dir: Path, code: str, **env: str) -> subprocess.Popen[str]:
    """A fresh Python process that loads the settings with this data folder and runs ``code``."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "CIRCULAIR_MODE", "DATABASE_URL", "CACHE_URL")
    }
    base.update(
        CIRCULAIR_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="circulair.web.config.settings",
        PYTHONPATH=os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]),
        **env,
    )
    return subprocess.Popen(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        env=base,
        cwd=next(p for p in data_dir.parents if p.is_dir()),  # no .env of the developer's
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _out(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out.strip()


KEY = "from django.conf import settings; print(settings.SECRET_KEY, settings.DEBUG)"


def test_secret_key_is_made_once_kept_0600_and_reused(tmp_path: Path) -> None:
    data = tmp_path / "var"
    first = _out(_settings(data, KEY))
    kept = data / "secret_key"
    key = kept.read_text()
    assert first == f"{key} False"  # DEBUG off by default
    assert len(key) == 67 and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert sorted(p.name for p in data.iterdir()) == ["secret_key"]  # no temporary file left
    again = _out(_settings(data, KEY, DEBUG="true"))
    assert again == f"{key} True"
    assert kept.read_text() == key


def test_workers_starting_together_keep_one_key(tmp_path: Path) -> None:
    data = tmp_path / "var"
    procs = [_settings(data, KEY) for _ in range(4)]
    keys = {_out(p) for p in procs}
    assert keys == {f"{(data / 'secret_key').read_text()} False"}
    assert sorted(p.name for p in data.iterdir()) == ["secret_key"]


def test_secret_key_from_the_environment_wins_and_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "var"
    assert _out(_settings(data, KEY, SECRET_KEY="s" * 50)) == f"{'s' * 50} False"
    assert not (data / "secret_key").exists()


def test_unwritable_data_folder_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    proc = _settings(tmp_path / "file" / "var", KEY)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert "make CIRCULAIR_DATA_DIR writable or set SECRET_KEY" in err
