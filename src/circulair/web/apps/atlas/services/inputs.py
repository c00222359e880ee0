"""What a siting run is computed from, read the same way for the CLI, the pages and the API.

Demand is a demand table, else the establishments of a sector group in a KBO open-data extract,
else population (the engine's default); candidate sites are a table or the municipalities;
distances are a ``from,to,km`` table or great-circle × the road factor. The CLI hands the files
over directly (:class:`SiteFiles`); a run started on the web or the API first keeps each file as
an upload (:func:`table_upload`, after a check that is cheap enough for a request) and the job
reads the uploads its parameters name. Every bad row is an :class:`InputError` naming file,
line, column and value.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from circulair.core.atlas.candidates import Candidate, candidates_from_table
from circulair.core.atlas.demand import DemandPoints, demand_from_table
from circulair.core.atlas.kbo import demand_from_kbo, locate_establishments, read_kbo
from circulair.core.errors import EXPECTED_ONE_OF, InputError, Problem, gettext_noop, problem
from circulair.core.geo import RegionGeography, parse_partition_csv
from circulair.core.numbers import number_problem, number_value
from circulair.core.tables import csv_dicts, decode_text
from circulair.web.apps.atlas import selectors
from circulair.web.apps.common import jobs
from circulair.web.apps.common.models import Upload
from circulair.web.apps.common.uploads import upload_keep
from circulair.web.apps.geography import selectors as geo_sel

File = tuple[bytes, str]  # (content, file name)

#: Upload purpose -> the file field of the form, the API and (as ``--distance-file`` etc.) the CLI.
UPLOAD_FIELDS = {
    "demand": "demand_file",
    "candidates": "candidates_file",
    "distances": "distance_file",
    "kbo": "kbo_file",
}
KBO_WEIGHTS = ("count", "employees")


@dataclass(frozen=True)
class SiteFiles:
    """Files given to a run directly (the CLI); any left out are read from the uploads its
    parameters name. ``kbo`` is an extract's folder or .zip (read from disk: it can be 1 GB)."""

    demand: File | None = None
    candidates: File | None = None
    distances: File | None = None
    kbo: Path | None = None


@dataclass(frozen=True)
class SiteInputs:
    """The parsed inputs of a siting run; ``None`` leaves the engine's default."""

    demand: DemandPoints | None = None
    candidates: list[Candidate] | None = None
    distances: dict[tuple[str, str], float] | None = None
    kbo_counts: dict[str, int] | None = None


def candidates_parse(geo: Any, content: bytes, file_name: str) -> list[Candidate]:
    """Candidate sites from a CSV; type environments are checked against the knowledge base."""
    text = decode_text(content, file=file_name)
    _header, rows = csv_dicts(text, file=file_name)  # unreadable CSV: InputError with its line
    return candidates_from_table(
        [r for _line, r in rows],
        geo,
        file=file_name,
        type_environments=selectors.type_environment_slugs(),
    )


def demand_table_parse(geo: Any, content: bytes, file_name: str) -> DemandPoints:
    """Demand points from a CSV (refnis | postal_code | lat,lon ; weight) — every bad row named."""
    text = decode_text(content, file=file_name)
    _header, rows = csv_dicts(text, file=file_name)  # unreadable CSV: InputError with its line
    return demand_from_table([r for _line, r in rows], geo, file=file_name)


def distances_parse(content: bytes, file_name: str) -> dict[tuple[str, str], float]:
    """A long distance table (``from,to,km``: demand id, candidate id, e.g. road km) read with
    the one CSV reader; every bad line is reported, all-or-nothing."""
    header, rows = csv_dicts(decode_text(content, file=file_name), file=file_name)
    if not {"from", "to", "km"} <= set(header):
        raise InputError.coded(
            "columns_missing",
            gettext_noop("expected the columns from,to,km"),
            file=file_name,
            row=1,
            value=",".join(header),
        )
    out: dict[tuple[str, str], float] = {}
    problems: list[Problem] = []
    for line, r in rows:
        bad = number_problem(r["km"], field="km", minimum=0, file=file_name, row=line)
        if bad is not None:
            problems.append(bad)
            continue
        out[(r["from"], r["to"])] = number_value(r["km"])
    if problems:
        raise InputError(problems)
    return out


def kbo_options_check(group: str, weight: str) -> list[str]:
    """The sector group's NACE codes; InputError naming ``sector_group`` or ``kbo_weight``."""
    groups = selectors.sector_groups()
    problems = []
    if group not in groups:
        problems.append(
            problem(
                "sector_group_unknown",
                gettext_noop("unknown sector group; expected one of %(expected)s"),
                field="sector_group",
                value=group,
                expected=", ".join(sorted(groups)),
            )
        )
    if weight not in KBO_WEIGHTS:
        problems.append(
            problem(
                "kbo_weight_unknown",
                EXPECTED_ONE_OF,
                field="kbo_weight",
                value=weight,
                expected="count, employees",
            )
        )
    if problems:
        raise InputError(problems)
    return groups[group]


def kbo_demand(
    path: Any,
    *,
    group: str,
    weight: str = "count",
    geo: RegionGeography | None = None,
    file_name: str = "",
) -> tuple[DemandPoints, Any]:
    """Demand from the establishments of a NACE sector group in a KBO open-data extract (a folder
    or .zip), per municipality; returns the demand and the locating counts."""
    codes = kbo_options_check(group, weight)
    geo = geo or geo_sel.region_geography(geo_sel.region_default())
    try:
        extract = read_kbo(path)
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:  # a damaged member of the zip
        raise InputError.coded(
            "zip_unreadable",
            gettext_noop("not a readable zip file (%(reason)s)"),
            file=file_name or Path(path).name,
            reason=str(e),
        ) from None
    located = locate_establishments(extract, geo, sector_groups={group: codes})
    return demand_from_kbo(located, geo, group=group, weight=weight), located.counts  # type: ignore[arg-type]


def kbo_zip_check(content: bytes, file_name: str) -> None:
    """The cheap check of an uploaded extract: a zip (its rows are read by the job, which can
    take minutes for the full register)."""
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise InputError.coded(
            "kbo_not_zip",
            gettext_noop(
                "expected the KBO open-data extract as a .zip file (enterprise.csv, "
                "establishment.csv, activity.csv, address.csv)"
            ),
            file=file_name,
        )


def partition_file_params(content: bytes, file_name: str) -> dict[str, Any]:
    """An extrapolation's partition given as a CSV ``refnis,unit`` (used as is, not stored)."""
    geo = geo_sel.region_geography(geo_sel.region_default())
    text = decode_text(content, file=file_name)
    part = parse_partition_csv(text, geo, name=Path(file_name).stem, file=file_name)
    return {
        "partition_members": {u: list(part.members(u)) for u in part.units()},
        "unit_names": dict(getattr(part, "unit_names", {}) or {}),
    }


def table_from_rows(rows: list[Mapping[str, Any]]) -> bytes:
    """JSON rows (the API's ``demand``) as the CSV a file upload would hold, so that both are
    checked, kept and read the same way."""
    texts = [{k: str(v) for k, v in r.items()} for r in rows]
    cols = sorted({k for r in texts for k in r})
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    w.writerows(texts)
    return buf.getvalue().encode()


def _check(purpose: str, content: bytes, file_name: str) -> None:
    if purpose == "kbo":
        kbo_zip_check(content, file_name)
    elif purpose == "distances":
        distances_parse(content, file_name)
    else:
        geo = geo_sel.region_geography(geo_sel.region_default())
        parse = demand_table_parse if purpose == "demand" else candidates_parse
        parse(geo, content, file_name)


def table_upload(*, purpose: str, content: bytes, file_name: str, user: Any = None) -> int:
    """Validate and keep an uploaded demand, candidate or distance table or KBO extract;
    returns the upload id. A rejected file is kept too, with its problems."""
    if purpose not in UPLOAD_FIELDS:
        raise ValueError(f"unknown upload purpose {purpose!r}")
    try:
        _check(purpose, content, file_name)
    except UnicodeDecodeError:
        err = InputError.coded(
            "file_not_utf8", gettext_noop("the file is not UTF-8 text"), file=file_name
        )
        upload_keep(purpose=purpose, name=file_name, content=content, user=user, error=err)
        raise err from None
    except InputError as e:
        upload_keep(purpose=purpose, name=file_name, content=content, user=user, error=e)
        raise
    return upload_keep(purpose=purpose, name=file_name, content=content, user=user).pk


def _upload_file(params: Mapping[str, Any], purpose: str) -> File | None:
    pk = params.get(f"{purpose}_upload")
    if not pk:
        return None
    up = Upload.objects.get(pk=pk)
    return up.file.read(), up.original_name


@contextmanager
def _kbo_on_disk(given: Path | None, params: Mapping[str, Any]) -> Iterator[tuple[Path, str]]:
    """The extract's path and name: the CLI's own, or a kept upload copied to a temporary file
    (the reader streams from disk; storage may be elsewhere)."""
    if given is not None:
        yield given, given.name
        return
    up = Upload.objects.get(pk=params["kbo_upload"])
    with tempfile.TemporaryDirectory(prefix="circulair-kbo-") as tmp:
        path = Path(tmp) / "extract.zip"
        with up.file.open("rb") as src, path.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        yield path, up.original_name


def site_inputs(
    geo: RegionGeography,
    params: Mapping[str, Any],
    files: SiteFiles | None = None,
    progress: jobs.Progress | None = None,
) -> SiteInputs:
    """Choose and read the run's sources: the ``files`` given, else the uploads ``params`` names
    (``demand_upload``, ``candidates_upload``, ``distances_upload``, ``kbo_upload`` with
    ``sector_group`` and ``kbo_weight``). A demand table takes precedence over a KBO extract."""
    files = files or SiteFiles()
    dist_file = files.distances or _upload_file(params, "distances")
    cand_file = files.candidates or _upload_file(params, "candidates")
    demand_file = files.demand or _upload_file(params, "demand")
    distances = distances_parse(*dist_file) if dist_file else None
    candidates = candidates_parse(geo, *cand_file) if cand_file else None
    demand: DemandPoints | None = None
    counts = None
    if demand_file:
        demand = demand_table_parse(geo, *demand_file)
    elif files.kbo is not None or params.get("kbo_upload"):
        if progress is not None:
            progress(0.01, "reading the KBO extract")
        with _kbo_on_disk(files.kbo, params) as (path, name):
            demand, counts = kbo_demand(
                path,
                group=str(params.get("sector_group") or ""),
                weight=str(params.get("kbo_weight") or "count"),
                geo=geo,
                file_name=name,
            )
    return SiteInputs(demand=demand, candidates=candidates, distances=distances, kbo_counts=counts)
