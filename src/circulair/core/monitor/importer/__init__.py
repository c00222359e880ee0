"""Import of monitor observations from CSV or XLSX, validated row by row, all or nothing.

Why: the figures of the monitor come from spreadsheets kept by administrations and statistics
offices. A bad row must never slip in silently (a share typed as a fraction, a kilotonne
figure in a megatonne series, a year typed twice), and a person fixing a file needs every
problem at once, each with its line and column, not one per attempt. So every row is checked,
every problem is collected, and nothing is returned unless the whole file is valid.

Template (long form, one observation per line; :func:`template_csv`)
--------------------------------------------------------------------
========  ========  ==========================================================================
column    required  content
========  ========  ==========================================================================
indicator yes       indicator slug (``rmc``, ``household-waste-per-inhabitant``)
region    yes       region code (``VLG``, ``BE``, ``EU27``)
year      yes       calendar year, 1900-2100
value     yes       the number; ``.`` or ``,`` as decimal mark (``396.9``, ``396,9``); when
                    both appear the last one is the decimal mark and the other groups
                    thousands (``1.234,5``, ``1,234.5``); spaces between digit groups allowed
unit      yes       unit of the value; converted to the indicator's unit when compatible
                    (``kt`` -> ``Mt``, ``t/inh`` -> ``kg/inh``, fraction -> ``%``; see
                    :mod:`circulair.core.monitor.units`)
source    no        where the figure comes from (at most 300 characters)
note      no        anything needed to interpret it (at most 2000 characters)
========  ========  ==========================================================================

Wide form: columns ``indicator, region, unit`` (``source`` and ``note`` optional) and one
column per year, headed by the year (``2015, 2016, ...``). Each filled cell is an
observation; an empty cell or a missing-value marker (``-``, ``:``, ``..``, ``n/a``, ``na``,
``n.b.``, ``nb``) means "no figure for that year". The long form has no such gaps: a line with
an empty value is an error (leave the line out instead).

Rules
-----
* The first line is the header; column names are case-insensitive and may be in Dutch
  (``indicator, regio, jaar, waarde, eenheid, bron, opmerking``). Unknown or repeated columns
  are errors. Completely empty lines are skipped.
* CSV: UTF-8 (a byte-order mark is fine) or, failing that, Windows-1252 (what Excel writes in
  Flanders); the delimiter is ``,``, ``;`` or a tab, taken from the header line. XLSX: the first
  sheet; formulas count with their last computed value; a number formatted as a percentage
  counts as the percentage shown (a cell holding 0.44 shown as "44%" is 44, to go with unit
  ``%``).
* Every row is checked for: unknown indicator, unknown region, year not a whole number in
  1900-2100, value not a finite number, unit missing or not convertible to the indicator's
  unit (both named), a share outside 0-100 %, text too long, the same (indicator, region, year)
  earlier in the file (both lines named) or already stored (``existing``).
* After conversion every non-zero value is checked for plausibility (:mod:`.plausibility`):
  one at least 1000 times larger or smaller than the stored neighbouring values of its series,
  or, in a series with no stored values, one that rounds to 0 at the 3 decimals shown (460
  ``kg`` for an indicator in ``Mt``), is refused with the reason, unless the import is
  confirmed (``confirm=True``); then it is stored as converted.
* Problems carry the file name, the line (``row``; header = line 1) and the column (``field``;
  in the wide form, the year column). One :class:`InputError` carries all of them.

Modules: :mod:`.columns` (names, limits, template), :mod:`.cells` (a cell's text and number),
:mod:`.readers` (CSV and XLSX into rows), :mod:`.header`, :mod:`.checks` (row checks) and
:mod:`.plausibility` (surprising values) and :mod:`.parse` (:func:`parse_observations`).
"""

from __future__ import annotations

from .cells import parse_number
from .columns import (
    LONG_COLUMNS,
    MISSING_MARKERS,
    NOTE_MAX_LENGTH,
    SOURCE_MAX_LENGTH,
    WIDE_COLUMNS,
    YEAR_MAX,
    YEAR_MIN,
    template_csv,
)
from .parse import parse_observations

__all__ = [
    "LONG_COLUMNS",
    "MISSING_MARKERS",
    "NOTE_MAX_LENGTH",
    "SOURCE_MAX_LENGTH",
    "WIDE_COLUMNS",
    "YEAR_MAX",
    "YEAR_MIN",
    "parse_number",
    "parse_observations",
    "template_csv",
]
