"""Reading a KBO/BCE extract (folder or zip): every file validated, problems collected once."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from circulair.core.atlas.kbo.reader.activities import read_activities
from circulair.core.atlas.kbo.reader.addresses import read_addresses
from circulair.core.atlas.kbo.reader.entities import read_enterprises, read_establishments
from circulair.core.atlas.kbo.reader.source import Source, read_meta
from circulair.core.atlas.kbo.records import KboExtract
from circulair.core.errors import MAX_LISTED, InputError, ProblemCollector

__all__ = ["read_kbo"]


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
    src = Source(path)
    skipped: Counter[str] = Counter()
    try:
        meta = read_meta(src, problems)
        ent, ent_emp, n_ent = read_enterprises(src, problems)
        est, est_parent, est_emp, n_est = read_establishments(src, problems)
        a_ent, a_place, places, n_addr = read_addresses(src, problems, skipped)
        act = read_activities(src, problems, skipped, str(nace_version), prefixes)
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
