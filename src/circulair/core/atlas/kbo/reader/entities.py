"""enterprise.csv and establishment.csv: the register's units, as sorted number arrays.

Why: locating needs establishment -> enterprise and, when present, the employee class of
each; numbers are kept as int64 arrays sorted for binary search, every row validated.
"""

from __future__ import annotations

from array import array

import numpy as np

from circulair.core.atlas.kbo.reader.fields import (
    kbo_number_problem,
    parse_number,
    report_duplicates,
    start_and_employees,
    to_array,
)
from circulair.core.atlas.kbo.reader.source import Source, csv_rows
from circulair.core.atlas.kbo.records import (
    _CODE_RE,
    _ENT_RE,
    _EST_RE,
    EMPLOYEE_CLASS_COLUMN,
    ENTERPRISE_COLUMNS,
    ESTABLISHMENT_COLUMNS,
    _Float,
    _Int64,
)
from circulair.core.errors import ProblemCollector

__all__ = ["read_enterprises", "read_establishments"]


def read_enterprises(
    src: Source,
    problems: ProblemCollector,
) -> tuple[_Int64, _Float | None, int]:
    """Sorted enterprise numbers, their employee-class weights (None without the column) and
    the number of rows read."""
    name = "enterprise.csv"
    numbers: array[int] = array("q")
    lines: array[int] = array("q")
    employees: array[float] = array("d")
    has_class: bool | None = None
    n_rows = 0
    code_fields = ("JuridicalSituation", "TypeOfEnterprise", "JuridicalForm", "JuridicalFormCAC")
    for line, f, cols in csv_rows(src, name, ENTERPRISE_COLUMNS, problems):
        if has_class is None:
            has_class = EMPLOYEE_CLASS_COLUMN in cols
        n_rows += 1
        text = f[cols["EnterpriseNumber"]]
        n = parse_number(text, _ENT_RE)
        if n is None:
            problems.add(
                kbo_number_problem(text, _ENT_RE, "an enterprise number (0123.456.789)"),
                name,
                line,
                "EnterpriseNumber",
                text,
            )
        if not f[cols["Status"]].strip():
            problems.add("status must not be empty", name, line, "Status", "")
        for c in code_fields:
            if _CODE_RE.fullmatch(f[cols[c]]) is None:
                problems.add("code must be up to three digits or empty", name, line, c, f[cols[c]])
        emp = start_and_employees(f, cols, bool(has_class), problems, name, line)
        if n is not None:
            numbers.append(n)
            lines.append(line)
            employees.append(emp)
    nums = np.asarray(to_array(numbers, np.int64), dtype=np.int64)
    report_duplicates(
        nums,
        np.asarray(to_array(lines, np.int64), dtype=np.int64),
        name,
        "EnterpriseNumber",
        problems,
    )
    order = np.argsort(nums, kind="stable")
    emps = (
        np.asarray(to_array(employees, np.float64), dtype=np.float64)[order] if has_class else None
    )
    return nums[order], emps, n_rows


def read_establishments(
    src: Source,
    problems: ProblemCollector,
) -> tuple[_Int64, _Int64, _Float | None, int]:
    """Sorted establishment numbers, their enterprises, their employee-class weights (None
    without the column) and the number of rows read."""
    name = "establishment.csv"
    numbers: array[int] = array("q")
    parents: array[int] = array("q")
    lines: array[int] = array("q")
    employees: array[float] = array("d")
    has_class: bool | None = None
    n_rows = 0
    for line, f, cols in csv_rows(src, name, ESTABLISHMENT_COLUMNS, problems):
        if has_class is None:
            has_class = EMPLOYEE_CLASS_COLUMN in cols
        n_rows += 1
        text = f[cols["EstablishmentNumber"]]
        n = parse_number(text, _EST_RE)
        if n is None:
            problems.add(
                kbo_number_problem(text, _EST_RE, "an establishment number (2.123.456.789)"),
                name,
                line,
                "EstablishmentNumber",
                text,
            )
        text = f[cols["EnterpriseNumber"]]
        parent = parse_number(text, _ENT_RE)
        if parent is None:
            problems.add(
                kbo_number_problem(text, _ENT_RE, "an enterprise number (0123.456.789)"),
                name,
                line,
                "EnterpriseNumber",
                text,
            )
        emp = start_and_employees(f, cols, bool(has_class), problems, name, line)
        if n is not None and parent is not None:
            numbers.append(n)
            parents.append(parent)
            lines.append(line)
            employees.append(emp)
    nums = np.asarray(to_array(numbers, np.int64), dtype=np.int64)
    report_duplicates(
        nums,
        np.asarray(to_array(lines, np.int64), dtype=np.int64),
        name,
        "EstablishmentNumber",
        problems,
    )
    order = np.argsort(nums, kind="stable")
    par = np.asarray(to_array(parents, np.int64), dtype=np.int64)[order]
    emps = (
        np.asarray(to_array(employees, np.float64), dtype=np.float64)[order] if has_class else None
    )
    return nums[order], par, emps, n_rows
