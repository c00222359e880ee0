"""Monitor engine: indicators, targets and observations; import; distance, pace and status.

Why: the monitor follows the Flemish circular-economy targets (DOMAIN.md section 3). This
package is pure Python (no Django): :mod:`.units` converts between compatible units,
:mod:`.model` holds the records, :mod:`.importer` reads CSV/XLSX observations all or nothing,
and :mod:`.compute` assesses each target (rule in :data:`.compute.STATUS_RULE`).
"""

from .compute import (
    DEFAULT_BAND_Z,
    DEFAULT_WINDOW,
    STATUS_LABELS,
    STATUS_RULE,
    STATUSES,
    Assessment,
    Trend,
    assess,
    assess_all,
    fit_trend,
    resolve_direction,
    status_rule,
)
from .importer import parse_number, parse_observations, template_csv
from .model import Indicator, MonitorData, Observation, Target, monitor_from_knowledge
from .units import canonical_unit, compatible, conversion_factor, convert, parse_unit

__all__ = [
    "DEFAULT_BAND_Z",
    "DEFAULT_WINDOW",
    "STATUSES",
    "STATUS_LABELS",
    "STATUS_RULE",
    "Assessment",
    "Indicator",
    "MonitorData",
    "Observation",
    "Target",
    "Trend",
    "assess",
    "assess_all",
    "canonical_unit",
    "compatible",
    "conversion_factor",
    "convert",
    "fit_trend",
    "monitor_from_knowledge",
    "parse_number",
    "parse_observations",
    "parse_unit",
    "resolve_direction",
    "status_rule",
    "template_csv",
]
