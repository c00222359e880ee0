"""Field values of a KBO extract (``kbo/reader/fields.py``): numbers, dates, employee classes."""

from __future__ import annotations

import math

import numpy as np

from circulair.core.atlas.kbo.reader.fields import (
    EMPLOYEE_HELP,
    employee_value,
    kbo_number_problem,
    parse_number,
    report_duplicates,
    valid_date,
)
from circulair.core.atlas.kbo.records import _ENT_RE, _EST_RE
from circulair.core.errors import ProblemCollector


def test_numbers_carry_a_mod_97_check() -> None:
    # 02013109 mod 97 = 68, 97 - 68 = 29: 0201.310.929
    assert parse_number("0201.310.929", _ENT_RE) == 201310929
    assert parse_number("0201.310.928", _ENT_RE) is None
    assert parse_number("2.000.000.339", _EST_RE) == 2000000339
    assert parse_number("2000000339", _EST_RE) is None  # no dots: not the register's form
    assert kbo_number_problem("0201.310.928", _ENT_RE, "an enterprise number").startswith(
        "check digits do not match"
    )
    assert kbo_number_problem("201310929", _ENT_RE, "an enterprise number") == (
        "not an enterprise number"
    )


def test_dates_are_real_days_written_dd_mm_yyyy() -> None:
    assert valid_date("29-02-2024") and valid_date("01-01-2000")
    assert not valid_date("29-02-2023")  # not a leap year
    assert not valid_date("1-1-2021") and not valid_date("2021-01-01") and not valid_date("")


def test_employee_classes_give_their_midpoint() -> None:
    assert math.isnan(employee_value(""))  # not an RSZ employer
    assert employee_value("0") == 0.0
    assert employee_value("3") == 14.5  # 10-19
    assert employee_value("9") == 1000.0  # 1,000 or more: the lower bound
    assert employee_value(" 10 - 19 ") == 14.5
    assert employee_value("1000+") == 1000.0
    assert employee_value("20-10") is None and employee_value("veel") is None
    assert "'10-19'" in EMPLOYEE_HELP and "'1000+'" in EMPLOYEE_HELP


def test_each_repeated_number_names_its_first_line() -> None:
    problems = ProblemCollector()
    numbers = np.array([201310929, 404456148, 201310929, 201310929], dtype=np.int64)
    lines = np.array([2, 3, 4, 7], dtype=np.int64)
    report_duplicates(numbers, lines, "enterprise.csv", "EnterpriseNumber", problems)
    got = [(p.file, p.row, p.field, p.value, p.message) for p in problems.items]
    assert got == [
        (
            "enterprise.csv",
            4,
            "EnterpriseNumber",
            "0201.310.929",
            "duplicate number (first on line 2)",
        ),
        (
            "enterprise.csv",
            7,
            "EnterpriseNumber",
            "0201.310.929",
            "duplicate number (first on line 4)",
        ),
    ]
