"""The source documents' text extractions, read from a folder, and the passage a citation cites.

The texts are not shipped with the product (they live beside it, e.g. ``../shared/seeds``);
``circulair data sources DIR`` installs them so the source pages can show the cited lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from circulair.core.errors import InputError, Problem
from circulair.core.knowledge.model import Source

#: Lines shown before and after the cited ones on a source page.
CONTEXT_LINES = 2


@dataclass(frozen=True)
class SourceText:
    """One installed extraction: the source's id, title and its lines (line 1 first)."""

    source: str
    title: str
    file: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class PassageLine:
    number: int
    text: str
    cited: bool


def read_source_texts(directory: Path, sources: Mapping[str, Source]) -> list[SourceText]:
    """Every source's extraction from ``directory`` (the file named in ``sources.yaml``).

    Raises :class:`InputError` naming each file that is missing or unreadable; nothing is
    returned then, so an installation is all or nothing.
    """
    if not directory.is_dir():
        raise InputError.single(
            "not a folder; expected the folder of the source text extractions",
            file=str(directory),
        )
    texts: list[SourceText] = []
    problems: list[Problem] = []
    for sid, s in sorted(sources.items()):
        path = directory / s.file
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            problems.append(Problem(f"missing: the text of source {sid} ({s.title})", str(path)))
            continue
        except OSError as e:
            problems.append(Problem(f"cannot be read ({e.strerror or e})", str(path)))
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append(Problem(f"not UTF-8 text (byte {e.start})", str(path)))
            continue
        texts.append(SourceText(sid, s.title, s.file, tuple(split_lines(text))))
    if problems:
        raise InputError(problems)
    return texts


def split_lines(text: str) -> list[str]:
    """Lines as a citation counts them (and ``sed -n`` shows them): split at newlines only, so a
    form feed or other separator that ``str.splitlines`` honours does not shift the numbering."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln.removesuffix("\r") for ln in lines]


def passage(
    lines: tuple[str, ...] | list[str], start: int, end: int, context: int = CONTEXT_LINES
) -> list[PassageLine]:
    """Lines ``start``..``end`` (1-based, inclusive) with ``context`` lines around them;
    a range past the end of the text is cut to the text."""
    first = max(1, start - context)
    last = min(len(lines), end + context)
    return [PassageLine(n, lines[n - 1], start <= n <= end) for n in range(first, last + 1)]


def parse_lines(value: str) -> tuple[int, int] | None:
    """``"836-839"`` or ``"836"`` → (836, 839) / (836, 836); anything else → None."""
    a, _sep, b = value.strip().partition("-")
    if not a.isdigit() or (b and not b.isdigit()):
        return None
    start, end = int(a), int(b or a)
    if start < 1 or end < start:
        return None
    return start, end
