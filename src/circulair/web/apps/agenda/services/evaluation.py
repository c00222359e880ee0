"""The yearly evaluation's figures written to the monitor."""

from __future__ import annotations

import logging
from typing import Any

from circulair.core.agenda import evaluation as ev
from circulair.web.apps.agenda import selectors
from circulair.web.apps.monitor.services import observation_record

log = logging.getLogger(__name__)


# --- evaluation → monitor ------------------------------------------------------------------
def manufacturer_share_record(*, year: int, user: Any = None) -> ev.Share:
    """Write the share of manufacturers with an action as an observation for the monitor's
    target "more than half of manufacturers work circularly" (indicator
    ``circular-manufacturers-share``), when there is at least one manufacturer to count."""
    share = selectors.manufacturer_share_uncached(year)  # uncached: organisations may have changed
    if share.percent is not None:
        observation_record(
            indicator=selectors.SHARE_INDICATOR,
            region=selectors.SHARE_REGION,
            year=year,
            value=round(share.percent, 2),
            unit="%",
            origin="agenda",
            user=user,
            source="Circulair agenda register (yearly evaluation)",
            note=f"{share.active} of {share.manufacturers} manufacturers (NACE C, >= 10 "
            f"employees) registered on the platform have an action in {year}. " + ev.SHARE_RULE,
        )
    return share
