"""Reading a KBO/BCE extract (folder or zip): every file validated, problems collected once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from circulair.core.atlas.kbo.records import (
    _BELGIUM,
    _CLASSIFICATIONS,
    _CODE_RE,
    _DATE_RE,
    _ENT_RE,
    _ENTITY_RE,
    _EST_RE,
    _FIRST_BRANCH,
    _FIRST_ESTABLISHMENT,
    _NACE_RE,
    _OPEN_RE,
    _RANGE_RE,
    ACTIVITY_COLUMNS,
    ADDRESS_COLUMNS,
    EMPLOYEE_CLASS_COLUMN,
    EMPLOYEE_CLASS_MIDPOINTS,
    ENTERPRISE_COLUMNS,
    ESTABLISHMENT_COLUMNS,
    KboExtract,
    _check_digits_ok,
    _Float,
    _Int64,
    format_number,
)
from circulair.core.errors import MAX_LISTED, InputError, ProblemCollector


class _Source:
    """A folder or a zip file holding the extract's CSV files."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.members: dict[str, str] = {}
        if path.is_file():
            self.zip = zipfile.ZipFile(path)
            for member in self.zip.namelist():
                self.members.setdefault(member.rsplit("/", 1)[-1], member)

    def exists(self, name: str) -> bool:
        if self.zip is not None:
            return name in self.members
        return (self.path / name).is_file()

    @contextmanager
    def open(self, name: str) -> Iterator[io.TextIOBase]:
        if self.zip is not None:
            with (
                self.zip.open(self.members[name]) as raw,
                io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
            ):
                yield text
        else:
            with (self.path / name).open(encoding="utf-8-sig", newline="") as f:
                yield f

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _parse_number(text: str, pattern: re.Pattern[str]) -> int | None:
    if pattern.fullmatch(text) is None:
        return None
    n = int(text.replace(".", ""))
    return n if _check_digits_ok(n) else None


def _number_problem(text: str, pattern: re.Pattern[str], what: str) -> str:
    if pattern.fullmatch(text) is None:
        return f"not {what}"
    return "check digits do not match (the last two digits must be 97 - (first eight mod 97))"


def _valid_date(text: str) -> bool:
    m = _DATE_RE.fullmatch(text)
    if m is None:
        return False
    try:
        dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return False
    return True


def _employee_value(text: str) -> float | None:
    """Midpoint for an EmployeeClass value; NaN when empty; None when unreadable."""
    t = text.strip()
    if not t:
        return float("nan")
    if t in EMPLOYEE_CLASS_MIDPOINTS:
        return EMPLOYEE_CLASS_MIDPOINTS[t]
    m = _RANGE_RE.fullmatch(t)
    if m is not None:
        lo, hi = int(m.group(1)), int(m.group(2))
        return (lo + hi) / 2.0 if lo <= hi else None
    m = _OPEN_RE.fullmatch(t)
    if m is not None:
        return float(m.group(1))
    return None


_EMPLOYEE_HELP = (
    "employee class must be an RSZ class code 0-9, a range such as '10-19', "
    "an open class such as '1000+', or empty"
)


def _csv_rows(
    src: _Source,
    name: str,
    required: Sequence[str],
    problems: ProblemCollector,
) -> Iterator[tuple[int, list[str], dict[str, int]]]:
    """Yield (line, fields, column index) for each data row of ``name``; header and field-count
    problems are reported here, so callers only validate values."""
    if not src.exists(name):
        problems.add(f"missing file (expected columns: {', '.join(required)})", name)
        return
    with src.open(name) as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            problems.add(
                f"empty file: no header (expected columns: {', '.join(required)})", name, 1
            )
            return
        header = [h.strip() for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            problems.add(
                f"bad header: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (expected columns: {', '.join(required)})",
                name,
                1,
                None,
                ",".join(header),
            )
            return
        dupes = sorted({h for h in header if header.count(h) > 1})
        if dupes:
            problems.add(f"bad header: duplicate column {', '.join(dupes)}", name, 1)
            return
        cols = {h: i for i, h in enumerate(header)}
        width = len(header)
        try:
            for fields in reader:
                if not fields:
                    continue
                if len(fields) != width:
                    problems.add(
                        f"expected {width} fields as in the header, found {len(fields)}",
                        name,
                        reader.line_num,
                    )
                    continue
                yield reader.line_num, fields, cols
        except csv.Error as e:
            problems.add(f"unreadable CSV: {e}", name, reader.line_num)
        except UnicodeDecodeError as e:
            problems.add(f"not UTF-8 text: {e}", name, reader.line_num + 1)


def _to_array(a: array[Any], dtype: type[np.generic]) -> NDArray[Any]:
    return np.frombuffer(a, dtype=dtype).copy() if len(a) else np.zeros(0, dtype=dtype)


def _duplicates(
    numbers: _Int64, lines: _Int64, file: str, column: str, problems: ProblemCollector
) -> None:
    order = np.argsort(numbers, kind="stable")
    s = numbers[order]
    dup = np.nonzero(s[1:] == s[:-1])[0]
    for i in dup:
        problems.add(
            f"duplicate number (first on line {int(lines[order[i]])})",
            file,
            int(lines[order[i + 1]]),
            column,
            format_number(int(s[i + 1])),
        )


def _read_meta(src: _Source, problems: ProblemCollector) -> dict[str, str]:
    meta: dict[str, str] = {}
    if not src.exists("meta.csv"):
        return meta
    for _line, fields, cols in _csv_rows(src, "meta.csv", ("Variable", "Value"), problems):
        meta[fields[cols["Variable"]].strip()] = fields[cols["Value"]].strip()
    return meta


def _start_and_employees(
    f: Sequence[str],
    cols: Mapping[str, int],
    has_class: bool,
    problems: ProblemCollector,
    name: str,
    line: int,
) -> float:
    """Check the row's StartDate; return its employee-class weight (NaN when absent/bad)."""
    if not _valid_date(f[cols["StartDate"]]):
        problems.add("date must be dd-mm-yyyy", name, line, "StartDate", f[cols["StartDate"]])
    if not has_class:
        return float("nan")
    value = _employee_value(f[cols[EMPLOYEE_CLASS_COLUMN]])
    if value is None:
        problems.add(
            _EMPLOYEE_HELP, name, line, EMPLOYEE_CLASS_COLUMN, f[cols[EMPLOYEE_CLASS_COLUMN]]
        )
        return float("nan")
    return value


def _read_enterprises(
    src: _Source,
    problems: ProblemCollector,
) -> tuple[_Int64, _Float | None, int]:
    name = "enterprise.csv"
    numbers: array[int] = array("q")
    lines: array[int] = array("q")
    employees: array[float] = array("d")
    has_class: bool | None = None
    n_rows = 0
    code_fields = ("JuridicalSituation", "TypeOfEnterprise", "JuridicalForm", "JuridicalFormCAC")
    for line, f, cols in _csv_rows(src, name, ENTERPRISE_COLUMNS, problems):
        if has_class is None:
            has_class = EMPLOYEE_CLASS_COLUMN in cols
        n_rows += 1
        text = f[cols["EnterpriseNumber"]]
        n = _parse_number(text, _ENT_RE)
        if n is None:
            problems.add(
                _number_problem(text, _ENT_RE, "an enterprise number (0123.456.789)"),
                name,
                line,
                "EnterpriseNumber",
                text,
            )
        if not f[cols["Status"]].strip():
            problems.add("status must not be empty", name, line, "Status", "")
        for c in code_fields:
            if _CODE_RE.fullmatch(f[cols[c]]) is None:
                problems.add("code must be up to three digits or empty", name, line, c, f[cols[c]])
        emp = _start_and_employees(f, cols, bool(has_class), problems, name, line)
        if n is not None:
            numbers.append(n)
            lines.append(line)
            employees.append(emp)
    nums = np.asarray(_to_array(numbers, np.int64), dtype=np.int64)
    _duplicates(
        nums,
        np.asarray(_to_array(lines, np.int64), dtype=np.int64),
        name,
        "EnterpriseNumber",
        problems,
    )
    order = np.argsort(nums, kind="stable")
    emps = (
        np.asarray(_to_array(employees, np.float64), dtype=np.float64)[order] if has_class else None
    )
    return nums[order], emps, n_rows


def _read_establishments(
    src: _Source,
    problems: ProblemCollector,
) -> tuple[_Int64, _Int64, _Float | None, int]:
    name = "establishment.csv"
    numbers: array[int] = array("q")
    parents: array[int] = array("q")
    lines: array[int] = array("q")
    employees: array[float] = array("d")
    has_class: bool | None = None
    n_rows = 0
    for line, f, cols in _csv_rows(src, name, ESTABLISHMENT_COLUMNS, problems):
        if has_class is None:
            has_class = EMPLOYEE_CLASS_COLUMN in cols
        n_rows += 1
        text = f[cols["EstablishmentNumber"]]
        n = _parse_number(text, _EST_RE)
        if n is None:
            problems.add(
                _number_problem(text, _EST_RE, "an establishment number (2.123.456.789)"),
                name,
                line,
                "EstablishmentNumber",
                text,
            )
        text = f[cols["EnterpriseNumber"]]
        parent = _parse_number(text, _ENT_RE)
        if parent is None:
            problems.add(
                _number_problem(text, _ENT_RE, "an enterprise number (0123.456.789)"),
                name,
                line,
                "EnterpriseNumber",
                text,
            )
        emp = _start_and_employees(f, cols, bool(has_class), problems, name, line)
        if n is not None and parent is not None:
            numbers.append(n)
            parents.append(parent)
            lines.append(line)
            employees.append(emp)
    nums = np.asarray(_to_array(numbers, np.int64), dtype=np.int64)
    _duplicates(
        nums,
        np.asarray(_to_array(lines, np.int64), dtype=np.int64),
        name,
        "EstablishmentNumber",
        problems,
    )
    order = np.argsort(nums, kind="stable")
    par = np.asarray(_to_array(parents, np.int64), dtype=np.int64)[order]
    emps = (
        np.asarray(_to_array(employees, np.float64), dtype=np.float64)[order] if has_class else None
    )
    return nums[order], par, emps, n_rows


def _read_addresses(
    src: _Source,
    problems: ProblemCollector,
    skipped: Counter[str],
) -> tuple[_Int64, NDArray[np.int32], tuple[tuple[str, str], ...], int]:
    name = "address.csv"
    entities: array[int] = array("q")
    place_of: array[int] = array("i")
    places: dict[tuple[str, str], int] = {}
    n_rows = 0
    last_ok, entity = "", -1
    for line, f, cols in _csv_rows(src, name, ADDRESS_COLUMNS, problems):
        n_rows += 1
        text = f[cols["EntityNumber"]]
        if text != last_ok:
            n = _parse_number(text, _ENTITY_RE)
            if n is None:
                problems.add(
                    _number_problem(
                        text, _ENTITY_RE, "an enterprise, establishment or branch number"
                    ),
                    name,
                    line,
                    "EntityNumber",
                    text,
                )
                continue
            last_ok, entity = text, n
        kind = f[cols["TypeOfAddress"]].strip()
        if not kind:
            problems.add("type of address must not be empty", name, line, "TypeOfAddress", "")
            continue
        struck = f[cols["DateStrikingOff"]].strip()
        if struck and not _valid_date(struck):
            problems.add("date must be dd-mm-yyyy or empty", name, line, "DateStrikingOff", struck)
            continue
        if struck:
            skipped["address.csv: struck off (DateStrikingOff set)"] += 1
            continue
        is_est = _FIRST_ESTABLISHMENT <= entity < _FIRST_BRANCH
        is_ent = entity < _FIRST_ESTABLISHMENT
        if not ((kind == "BAET" and is_est) or (kind == "REGO" and is_ent)):
            what = "an establishment" if is_est else "an enterprise" if is_ent else "a branch"
            skipped[f"address.csv: type {kind} of {what}"] += 1
            continue
        country = f[cols["CountryNL"]].strip()
        key = (
            ("", f[cols["Zipcode"]].strip())
            if country.lower() in _BELGIUM
            else (country or f[cols["CountryFR"]].strip(), "")
        )
        idx = places.setdefault(key, len(places))
        entities.append(entity)
        place_of.append(idx)
    ent = np.asarray(_to_array(entities, np.int64), dtype=np.int64)
    plc = np.asarray(_to_array(place_of, np.int32), dtype=np.int32)
    order = np.argsort(ent, kind="stable")
    ent, plc = ent[order], plc[order]
    first = np.ones(len(ent), dtype=bool)
    first[1:] = ent[1:] != ent[:-1]
    if (~first).any():
        skipped[
            "address.csv: further current address of the same entity and type (first kept)"
        ] += int((~first).sum())
    return ent[first], plc[first], tuple(places), n_rows


def _read_activities(
    src: _Source,
    problems: ProblemCollector,
    skipped: Counter[str],
    version: str,
    prefixes: tuple[str, ...] | None,
) -> tuple[_Int64, NDArray[np.int32], NDArray[np.bool_], tuple[str, ...], _Int64, _Int64, int]:
    name = "activity.csv"
    entities: array[int] = array("q")
    code_of: array[int] = array("i")
    mains: array[int] = array("b")
    est_any: array[int] = array("q")
    ent_main: array[int] = array("q")
    codes: dict[str, int] = {}
    keep_code: dict[str, bool] = {}
    ok_group: set[str] = set()
    ok_version: set[str] = set()
    n_rows = 0
    last_text, last_entity = "", -1
    other_version: Counter[str] = Counter()  # counted with plain keys: this loop is the hot one
    other_class: Counter[str] = Counter()
    n_branch = n_outside = 0
    index: tuple[int, ...] = ()
    for line, f, cols in _csv_rows(src, name, ACTIVITY_COLUMNS, problems):
        if not index:
            index = tuple(cols[c] for c in ACTIVITY_COLUMNS)
        i_ent, i_grp, i_ver, i_code, i_cls = index
        n_rows += 1
        bad = False
        text = f[i_ent]
        if text != last_text:
            n = _parse_number(text, _ENTITY_RE)
            if n is None:
                problems.add(
                    _number_problem(
                        text, _ENTITY_RE, "an enterprise, establishment or branch number"
                    ),
                    name,
                    line,
                    "EntityNumber",
                    text,
                )
                bad = True
            else:
                last_text, last_entity = text, n
        group = f[i_grp]
        if group not in ok_group:
            if re.fullmatch(r"\d{3}", group):
                ok_group.add(group)
            else:
                problems.add(
                    "activity group must be three digits", name, line, "ActivityGroup", group
                )
                bad = True
        ver = f[i_ver]
        if ver not in ok_version:
            if re.fullmatch(r"\d{4}", ver):
                ok_version.add(ver)
            else:
                problems.add(
                    "NACE version must be a year such as 2008", name, line, "NaceVersion", ver
                )
                bad = True
        code = f[i_code]
        keep = keep_code.get(code)
        if keep is None:
            if _NACE_RE.fullmatch(code) is None:
                problems.add("NACE code must be digits without dots", name, line, "NaceCode", code)
                bad = True
            else:
                keep = prefixes is None or code.startswith(prefixes)
                keep_code[code] = keep
        cls = f[i_cls]
        if cls not in _CLASSIFICATIONS:
            problems.add(
                "classification must be MAIN, SECO or ANCI", name, line, "Classification", cls
            )
            bad = True
        if bad:
            continue
        if ver != version:
            other_version[ver] += 1
            continue
        entity = last_entity
        if _FIRST_ESTABLISHMENT <= entity < _FIRST_BRANCH:
            est_any.append(entity)
        elif entity < _FIRST_ESTABLISHMENT:
            if cls != "MAIN":
                other_class[cls] += 1
                continue
            ent_main.append(entity)
        else:
            n_branch += 1
            continue
        if not keep:
            n_outside += 1
            continue
        entities.append(entity)
        code_of.append(codes.setdefault(code, len(codes)))
        mains.append(cls == "MAIN")
    for ver, k in other_version.items():
        skipped[f"activity.csv: NACE version {ver}"] += k
    for cls, k in other_class.items():
        skipped[f"activity.csv: {cls} activity of an enterprise"] += k
    if n_branch:
        skipped["activity.csv: activity of a branch"] += n_branch
    if n_outside:
        skipped["activity.csv: NACE code outside the kept prefixes"] += n_outside
    ent = np.asarray(_to_array(entities, np.int64), dtype=np.int64)
    order = np.argsort(ent, kind="stable")
    cod = np.asarray(_to_array(code_of, np.int32), dtype=np.int32)[order]
    main = np.asarray(_to_array(mains, np.int8), dtype=np.int8)[order].astype(bool)
    with_act = np.unique(np.asarray(_to_array(est_any, np.int64), dtype=np.int64))
    with_main = np.unique(np.asarray(_to_array(ent_main, np.int64), dtype=np.int64))
    return ent[order], cod, main, tuple(codes), with_act, with_main, n_rows


def read_kbo(
    directory: Path | str,
    *,
    nace_version: str = "2008",
    nace_prefixes: Iterable[str] | None = None,
    max_problems: int | None = MAX_LISTED,
) -> KboExtract:
    """Read a KBO open-data extract (folder or zip), validating every row.

    Parameters
    ----------
    directory : Path or str
        The unpacked folder holding enterprise.csv, establishment.csv, activity.csv and
        address.csv (meta.csv optional), or the downloaded ``KboOpenData_*_Full.zip``.
    nace_version : str
        Activities of this NACE version are kept (the file holds 2003, 2008 and 2025 rows).
    nace_prefixes : iterable of str, optional
        Keep only activity codes starting with one of these (e.g. every code of the study's
        sector groups): with the full extract this cuts memory by an order of magnitude.
    max_problems : int or None
        List at most this many problems (the rest are counted); None lists all.

    Returns
    -------
    KboExtract

    Raises
    ------
    InputError
        Missing files, headers without the expected columns (the message lists them), and
        every malformed row: wrong number of fields, bad enterprise/establishment numbers
        (format or mod-97 check digits), dates not ``dd-mm-yyyy``, unknown classifications,
        unreadable employee classes, duplicate numbers. ``file`` is the CSV name, ``row`` the
        line number in it (header = line 1) and ``field`` the column.
    """
    path = Path(directory)
    problems = ProblemCollector(max_problems)
    if not (path.is_dir() or zipfile.is_zipfile(path)):
        raise InputError.single("not a folder or zip file holding a KBO extract", file=str(path))
    if not re.fullmatch(r"\d{4}", str(nace_version)):
        raise InputError.single(
            "NACE version must be a year such as 2008", field="nace_version", value=nace_version
        )
    prefixes: tuple[str, ...] | None = None
    if nace_prefixes is not None:
        prefixes = tuple(sorted({str(p).strip() for p in nace_prefixes}))
        bad = [p for p in prefixes if not re.fullmatch(r"\d{1,7}", p)]
        if bad or not prefixes:
            raise InputError.single(
                "NACE prefixes must be non-empty digit strings",
                field="nace_prefixes",
                value=", ".join(bad),
            )
    src = _Source(path)
    skipped: Counter[str] = Counter()
    try:
        meta = _read_meta(src, problems)
        ent, ent_emp, n_ent = _read_enterprises(src, problems)
        est, est_parent, est_emp, n_est = _read_establishments(src, problems)
        a_ent, a_place, places, n_addr = _read_addresses(src, problems, skipped)
        act = _read_activities(src, problems, skipped, str(nace_version), prefixes)
    finally:
        src.close()
    problems.raise_if_any()
    act_ent, act_code, act_main, codes, with_act, with_main, n_act = act
    return KboExtract(
        nace_version=str(nace_version),
        nace_prefixes=prefixes,
        enterprise_numbers=ent,
        enterprise_employees=ent_emp,
        establishment_numbers=est,
        establishment_enterprise=est_parent,
        establishment_employees=est_emp,
        address_entity=a_ent,
        address_place=a_place,
        places=places,
        activity_entity=act_ent,
        activity_code=act_code,
        activity_main=act_main,
        nace_codes=codes,
        establishments_with_activity=with_act,
        enterprises_with_main=with_main,
        rows={
            "enterprise.csv": n_ent,
            "establishment.csv": n_est,
            "address.csv": n_addr,
            "activity.csv": n_act,
        },
        skipped=dict(sorted(skipped.items())),
        meta=meta,
    )
