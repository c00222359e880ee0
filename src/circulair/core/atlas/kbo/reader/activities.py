"""activity.csv: the NACE codes of establishments and the MAIN codes of enterprises.

Why: activity.csv is by far the largest file (about 1.6 GB in the full extract), so this loop
is the hot one: validation results are cached per distinct value, and only the rows of the
chosen NACE version (and kept prefixes) are stored, in compact arrays.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter

import numpy as np
from numpy.typing import NDArray

from circulair.core.atlas.kbo.reader.fields import kbo_number_problem, parse_number, to_array
from circulair.core.atlas.kbo.reader.source import Source, csv_rows
from circulair.core.atlas.kbo.records import (
    _CLASSIFICATIONS,
    _ENTITY_RE,
    _FIRST_BRANCH,
    _FIRST_ESTABLISHMENT,
    _NACE_RE,
    ACTIVITY_COLUMNS,
    _Int64,
)
from circulair.core.errors import ProblemCollector

__all__ = ["read_activities"]


def read_activities(
    src: Source,
    problems: ProblemCollector,
    skipped: Counter[str],
    version: str,
    prefixes: tuple[str, ...] | None,
) -> tuple[_Int64, NDArray[np.int32], NDArray[np.bool_], tuple[str, ...], _Int64, _Int64, int]:
    """Kept activities sorted by entity (code index, MAIN or not), the codes, establishments
    with any activity and enterprises with a MAIN one in ``version``, and the rows read."""
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
    for line, f, cols in csv_rows(src, name, ACTIVITY_COLUMNS, problems):
        if not index:
            index = tuple(cols[c] for c in ACTIVITY_COLUMNS)
        i_ent, i_grp, i_ver, i_code, i_cls = index
        n_rows += 1
        bad = False
        text = f[i_ent]
        if text != last_text:
            n = parse_number(text, _ENTITY_RE)
            if n is None:
                problems.add(
                    kbo_number_problem(
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
    ent = np.asarray(to_array(entities, np.int64), dtype=np.int64)
    order = np.argsort(ent, kind="stable")
    cod = np.asarray(to_array(code_of, np.int32), dtype=np.int32)[order]
    main = np.asarray(to_array(mains, np.int8), dtype=np.int8)[order].astype(bool)
    with_act = np.unique(np.asarray(to_array(est_any, np.int64), dtype=np.int64))
    with_main = np.unique(np.asarray(to_array(ent_main, np.int64), dtype=np.int64))
    return ent[order], cod, main, tuple(codes), with_act, with_main, n_rows
