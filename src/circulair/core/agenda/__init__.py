"""Agenda engine: the yearly evaluation of a work agenda and its annual-report charts.

Why: signatories commit to at least 5 actions a year and the ambitions are evaluated yearly
(source 000, "Ambitie en engagement"). Pure Python: :mod:`.evaluation` holds the counting rule
(:data:`.evaluation.RULE`), :mod:`.charts` draws the report's charts.
"""
