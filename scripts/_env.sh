# Shared by scripts/start and scripts/test: find Python >= 3.11, create .venv, install.
# Usage: source scripts/_env.sh <extras>   (extras: "" for runtime, "dev" for tests)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
EXTRAS="${1:-}"

find_python() {
  for c in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$c" ] || continue
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  echo "Circulair needs Python 3.11 or newer; none found (set PYTHON=/path/to/python3.11)." >&2
  return 1
}

if [ ! -x .venv/bin/python ]; then
  PY="$(find_python)"
  echo "Creating the virtual environment in .venv with $PY"
  "$PY" -m venv .venv || { echo "python -m venv failed: on Debian/Ubuntu run 'apt-get install python3-venv'." >&2; exit 1; }
  .venv/bin/python -m pip install --quiet --upgrade pip
fi

stamp=".venv/.installed-${EXTRAS:-runtime}-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  spec="."
  [ -n "$EXTRAS" ] && spec=".[${EXTRAS}]"
  echo "Installing Circulair and its dependencies ($spec) into .venv …"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
  rm -f .venv/.installed-"${EXTRAS:-runtime}"-*
  touch "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
