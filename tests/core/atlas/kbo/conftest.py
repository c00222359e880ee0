"""KBO sample files for the reader and locate tests, as the fixtures ``extract`` and ``kbo``.

The folder ``tests/core/atlas/data/kbo`` holds a hand-made extract in the real format (header line,
quoted strings, unquoted dates and empty fields). Its 14 establishments cover every case:

===============  ==========  =====================================  ===========================
establishment    enterprise  activity (NACE 2008) / address         outcome
===============  ==========  =====================================  ===========================
2.000.123.469    0403...585  own 25110; BAET 9000 Gent              metaal, Gent
2.001.234.516    0404...148  own 41201; BAET 2000 Antwerpen         bouw, Antwerpen
2.002.345.660    0404...148  own 41201; BAET 1000 Brussel           bouw, outside (1000)
2.003.456.707    0410...248  none -> enterprise MAIN 38110; no BAET afval, Leuven via seat
                             -> single establishment: seat 3000
2.004.567.851    0417...338  own 38320; no BAET, 2 establishments   afval, no address
2.005.678.995    0417...338  own 47110 (retail)                     no NACE match
2.006.789.052    0421...455  own 25120; BAET 4000 Luik              metaal, outside (4000)
2.007.890.102    0430...527  own 25110; BAET 9999                   metaal, unknown postal code
2.008.901.276    0440...687  own 38110; BAET in France              afval, outside (abroad)
2.009.012.332    0450...750  NACE 2003 only (and enterprise too)    no activity
2.100.123.442    0460...813  own 43999 + 38110; BAET 1804 (shared   bouw + afval, half in
                             by Vilvoorde and Zemst)                Vilvoorde, half in Zemst
2.101.234.586    0470...973  own 41201 + 25110; BAET 9000 Gent      metaal + bouw, Gent
2.102.345.633    0480...046  own NACE 2003 only -> enterprise MAIN  metaal, Antwerpen
                             25120; BAET 2000
2.103.456.777    0490...148  own 38320; struck-off BAET in Gent,    afval, Mechelen
                             current BAET 2800 Mechelen
===============  ==========  =====================================  ===========================

Enterprise 0495.121.256 has no establishment (counted, not located).

Fixtures: ``extract`` is that folder read once; ``kbo`` gives ``DATA`` (the folder),
``GROUPS`` (three sector groups by NACE prefix), ``copy(tmp_path)`` (a copy to edit),
``edit(folder, file, line, old, new)``, ``add_column(folder, file, column, values)`` and
``write_extract(folder, establishments)`` (a generated extract of any size).
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from circulair.core.atlas.kbo import ADDRESS_COLUMNS, KboExtract, format_number, read_kbo

DATA = Path(__file__).parent.parent / "data" / "kbo"
GROUPS = {"metaal": ["2511", "2512"], "bouw": ["41201", "43999"], "afval": ["3811", "3832"]}


def copy(tmp_path: Path) -> Path:
    """A copy of the sample folder, to edit."""
    target = tmp_path / "kbo"
    shutil.copytree(DATA, target)
    return target


def edit(folder: Path, name: str, line: int, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` on line ``line`` (1-based) of ``name``."""
    path = folder / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1], (old, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def add_column(folder: Path, name: str, column: str, values: dict[str, str]) -> None:
    """Append a column to a CSV, value by the row's first field (default empty)."""
    path = folder / name
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow([*rows[0], column])
    for r in rows[1:]:
        w.writerow([*r, values.get(r[0], "")])
    path.write_text(out.getvalue(), encoding="utf-8")


def _with_check_digits(base8: int) -> int:
    return base8 * 100 + 97 - base8 % 97


def write_extract(folder: Path, ests: list[tuple[str, str, str, bool]]) -> None:
    """One enterprise per establishment: (NACE code, postal code, country, has BAET)."""
    folder.mkdir(parents=True, exist_ok=True)
    ent = [
        '"EnterpriseNumber","Status","JuridicalSituation","TypeOfEnterprise",'
        '"JuridicalForm","JuridicalFormCAC","StartDate"'
    ]
    est = ['"EstablishmentNumber","StartDate","EnterpriseNumber"']
    act = ['"EntityNumber","ActivityGroup","NaceVersion","NaceCode","Classification"']
    addr = [",".join(f'"{c}"' for c in ADDRESS_COLUMNS)]
    for i, (nace, postal, country, baet) in enumerate(ests):
        e = format_number(_with_check_digits(4_000_000 + i))
        s = format_number(_with_check_digits(20_000_000 + i))
        ent.append(f'"{e}","AC","000","2","610",,01-01-2000')
        est.append(f'"{s}",01-01-2000,"{e}"')
        act.append(f'"{s}","001","2008","{nace}","MAIN"')
        if baet:
            addr.append(f'"{s}","BAET","{country}",,"{postal}","X","X","S","S","1","","",')
    for name, lines in (
        ("enterprise.csv", ent),
        ("establishment.csv", est),
        ("activity.csv", act),
        ("address.csv", addr),
    ):
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def extract() -> KboExtract:
    return read_kbo(DATA)


@pytest.fixture(scope="session")
def kbo() -> SimpleNamespace:
    return SimpleNamespace(
        DATA=DATA,
        GROUPS=GROUPS,
        copy=copy,
        edit=edit,
        add_column=add_column,
        write_extract=write_extract,
    )
