"""The import file format: column names (English and Dutch), limits, and the template.

Why: the template offered for download, the header check and the row checks must agree on
one set of columns and limits; they are stated once here (package notes give the table).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

__all__ = [
    "ALIASES",
    "LONG_COLUMNS",
    "MISSING_MARKERS",
    "NOTE_MAX_LENGTH",
    "REQUIRED_LONG",
    "REQUIRED_WIDE",
    "SOURCE_MAX_LENGTH",
    "WIDE_COLUMNS",
    "YEAR_MAX",
    "YEAR_MIN",
    "template_csv",
]

LONG_COLUMNS = ("indicator", "region", "year", "value", "unit", "source", "note")
WIDE_COLUMNS = ("indicator", "region", "unit", "source", "note")
REQUIRED_LONG = ("indicator", "region", "year", "value", "unit")
REQUIRED_WIDE = ("indicator", "region", "unit")
ALIASES: Mapping[str, str] = {
    "indicator": "indicator",
    "indicatoren": "indicator",
    "region": "region",
    "regio": "region",
    "gebied": "region",
    "year": "year",
    "jaar": "year",
    "value": "value",
    "waarde": "value",
    "unit": "unit",
    "eenheid": "unit",
    "source": "source",
    "bron": "source",
    "note": "note",
    "opmerking": "note",
    "notes": "note",
    "toelichting": "note",
}
YEAR_MIN, YEAR_MAX = 1900, 2100
SOURCE_MAX_LENGTH = 300  # the web model's Observation.source length
NOTE_MAX_LENGTH = 2000
MISSING_MARKERS = frozenset({"", "-", "–", "—", ":", "..", "n/a", "na", "n.b.", "nb"})


def template_csv(*, wide: bool = False) -> str:
    """The import template: header line and example lines (see the module notes).

    Parameters
    ----------
    wide : bool
        The wide form (one column per year) instead of the long form.
    """
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    # Example rows use figures the source documents give (RMI 567 Mt in 2010 and 642 Mt in
    # 2018, 003:836-839; 476 kg household waste per inhabitant, 004), never invented values.
    if wide:
        w.writerow([*WIDE_COLUMNS[:3], "2010", "2018", "source", "note"])
        w.writerow(
            ["rmi", "VLG", "Mt", "567", "642", "CE Monitor (003:836-839)", "raw material input"]
        )
    else:
        w.writerow(LONG_COLUMNS)
        w.writerow(
            [
                "rmi",
                "VLG",
                "2018",
                "642",
                "Mt",
                "CE Monitor (003:836-839)",
                "raw material input in raw-material equivalents",
            ]
        )
        w.writerow(
            [
                "household-waste-per-inhabitant",
                "VLG",
                "2020",
                "476",
                "kg/inh",
                "Lokaal Circulair (004:88-92)",
                "",
            ]
        )
    return out.getvalue()
