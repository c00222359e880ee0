"""Companies as demand: the public KBO open-data extract, located and grouped by NACE sector.

Why: the study maps actors with the company register by NACE code (003:13151-13235 and the
annex lists 003:16661-17435). The Crossroads Bank for Enterprises (KBO/BCE) publishes the
register monthly as "KBO Open Data": a zip of comma-separated, double-quoted UTF-8 CSV files with
a header line. This module reads the four files that locate and classify establishments:

``enterprise.csv``
    EnterpriseNumber, Status, JuridicalSituation, TypeOfEnterprise, JuridicalForm,
    JuridicalFormCAC, StartDate
``establishment.csv``
    EstablishmentNumber, StartDate, EnterpriseNumber
``activity.csv``
    EntityNumber, ActivityGroup, NaceVersion, NaceCode, Classification (MAIN, SECO, ANCI)
``address.csv``
    EntityNumber, TypeOfAddress (REGO seat, BAET establishment unit, ABBR branch, ...),
    CountryNL, CountryFR, Zipcode, MunicipalityNL, MunicipalityFR, StreetNL, StreetFR,
    HouseNumber, Box, ExtraAddressInfo, DateStrikingOff

Enterprise numbers look like ``0201.310.929``, establishment numbers like ``2.000.000.339``
(first digit 2-8; 9 is a branch); both end in a mod-97 check, which is verified. Dates are
``dd-mm-yyyy``. ``meta.csv`` (Variable, Value) is read for provenance when present. The reader
accepts the unpacked folder or the downloaded zip.

The full extract has millions of rows (activity.csv alone is about 1.6 GB), so files are streamed
with :mod:`csv` and only what locating needs is kept, in compact NumPy arrays: establishment ->
enterprise, the establishment-unit (BAET) and seat (REGO) postal codes, and the activities of
one NACE version (optionally only codes with given prefixes). Every row is validated; problems
are reported with file, line (``row``) and column (``field``) and the import is all-or-nothing.

Locating rules (:func:`locate_establishments`)
----------------------------------------------
* Place: the establishment's own current BAET address; else, when the enterprise has exactly
  one establishment, the enterprise's current REGO (registered seat) address; else "no
  address". Addresses with a DateStrikingOff are no longer valid and are not used.
* Sector: the NACE codes of the establishment's own activity rows (any classification) in the
  chosen NACE version; when it has none, the enterprise's MAIN activities. A code belongs to a
  sector group when it starts with one of the group's annex codes (``"2511"`` matches
  ``"25110"``); an establishment may fall in several groups.
* Region: a Belgian postal code (empty CountryNL) listed in the region's geography is located
  there; a postal code shared by several municipalities splits the establishment evenly over
  them (shares sum to one, so totals are kept). A four-digit code in a hundred-block that the
  region uses but not itself listed is an *unknown postal code* (a typo or retired code);
  other codes and foreign addresses are *outside the region*: legitimate, counted by reason.

Employee classes
----------------
If ``establishment.csv`` or ``enterprise.csv`` carries an extra column ``EmployeeClass`` (not in
the open data; e.g. joined from RSZ/ONSS statistics), ``weight="employees"`` uses the class
midpoint. Codes follow the RSZ/ONSS employer size classes (our reading of the RSZ
classification; supply ranges such as ``"10-19"`` where in doubt): ``0`` no employees -> 0;
``1`` 1-4 -> 2.5; ``2`` 5-9 -> 7; ``3`` 10-19 -> 14.5; ``4`` 20-49 -> 34.5; ``5`` 50-99 ->
74.5; ``6`` 100-199 -> 149.5; ``7`` 200-499 -> 349.5; ``8`` 500-999 -> 749.5; ``9`` 1,000 or
more -> 1,000 (open class: its lower bound, a deliberate underestimate). A range ``a-b`` gives
``(a + b) / 2``, ``n+`` gives ``n``. An enterprise-level class is split evenly over the
enterprise's establishments. An empty class means "not an RSZ employer" and weighs
``missing_class_weight`` (default 0); how many located establishments had none is counted.
"""

from __future__ import annotations

from circulair.core.atlas.kbo.locate import demand_from_kbo, locate_establishments
from circulair.core.atlas.kbo.reader import read_kbo
from circulair.core.atlas.kbo.records import (
    ACTIVITY_COLUMNS,
    ADDRESS_COLUMNS,
    EMPLOYEE_CLASS_MIDPOINTS,
    ENTERPRISE_COLUMNS,
    ESTABLISHMENT_COLUMNS,
    KboExtract,
    KboLocated,
    format_number,
)

__all__ = [
    "ACTIVITY_COLUMNS",
    "ADDRESS_COLUMNS",
    "EMPLOYEE_CLASS_MIDPOINTS",
    "ENTERPRISE_COLUMNS",
    "ESTABLISHMENT_COLUMNS",
    "KboExtract",
    "KboLocated",
    "demand_from_kbo",
    "format_number",
    "locate_establishments",
    "read_kbo",
]
