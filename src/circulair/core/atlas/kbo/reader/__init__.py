"""Reading a KBO/BCE extract (folder or zip): every file validated, problems collected once.

Modules: :mod:`.source` (folder or zip, header and field-count checks), :mod:`.fields`
(numbers, dates, employee classes), :mod:`.entities` (enterprise.csv, establishment.csv),
:mod:`.addresses`, :mod:`.activities` and :mod:`.extract` (:func:`read_kbo`).
"""

from __future__ import annotations

from circulair.core.atlas.kbo.reader.extract import read_kbo

__all__ = ["read_kbo"]
