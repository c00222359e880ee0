"""Secondary-materials exchange engine: taxonomy, listings, candidate matching, allocation.

Modules: :mod:`.taxonomy` (material tree, compatibility, List-of-Waste codes, units),
:mod:`.model` (listings and their arrays; defined in :mod:`.codes`, :mod:`.listing` and
:mod:`.listing_arrays`), :mod:`.matching` (filtered, scored top-k candidates; the parts in
:mod:`.inputs`, :mod:`.pairs` over :mod:`.rules`, :mod:`.search`, :mod:`.scan`,
:mod:`.match_table`, :mod:`.ranking`), :mod:`.allocation` (lexicographic max-quantity /
min-transport LP with an independent check; the parts in :mod:`.components`, :mod:`.solve`
over :mod:`circulair.core.optim`, :mod:`.allocation_result`, :mod:`.allocation_check`).
:mod:`.threads` runs per-class and per-component work in parallel.
"""
