"""The one path for many rows (``writes.Spool``, ``writes.Inserter``, ``history.changes_insert``):
rows written by COPY/executemany read back through the ORM exactly as ``save()`` would have
written them, their reserved ids never collide with ids the ORM gives later, and an import's
actions keep their strategies, partners, figures and one history entry naming the upload."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from circulair.web.apps.agenda import services as agenda
from circulair.web.apps.agenda.models import Action
from circulair.web.apps.common.history import changes_insert, history_of, imported
from circulair.web.apps.common.models import Change, Job, Upload
from circulair.web.apps.common.writes import Inserter, Spool
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _org(name: str = "Bulk NV") -> Organisation:
    return Organisation.objects.create(name=name, side=Organisation.Side.BUSINESS)


def test_spool_gives_back_every_row_in_order_across_chunks() -> None:
    rows = [(i, f"r{i}", dt.date(2025, 1, 1 + i % 28), None) for i in range(2503)]
    with Spool(chunk=500) as spool:
        for r in rows:
            spool.add(r)
        chunks = list(spool.chunks())
    assert spool.count == 2503
    assert [len(c) for c in chunks] == [500] * 5 + [3]
    assert [r for c in chunks for r in c] == rows


def test_inserted_rows_read_back_as_saved_and_ids_do_not_collide() -> None:
    org = _org()
    rec = Record.objects.filter(kind="work_agenda").order_by("slug").first()
    assert rec is not None
    ins = Inserter(Action, ["title", "organisation_id", "agenda_id", "status", "start", "public"])
    with transaction.atomic():
        ids = ins.insert(
            [
                ("Eerste", org.pk, rec.pk, "planned", None, False),
                ("Tweede", org.pk, rec.pk, "running", dt.date(2025, 3, 4), True),
            ]
        )
    assert len(ids) == 2 and ids[1] > ids[0]
    first, second = Action.objects.get(pk=ids[0]), Action.objects.get(pk=ids[1])
    assert (second.title, second.status, second.start, second.public) == (
        "Tweede",
        "running",
        dt.date(2025, 3, 4),
        True,
    )
    # omitted fields get their default, auto_now_add the time of the write
    assert (first.description, first.results, first.impact_project) == ("", "", False)
    assert first.created_at is not None and first.created_at == second.created_at
    later = Action.objects.create(title="Later", organisation=org, agenda=rec)
    assert later.pk > ids[1]
    with transaction.atomic():
        (again,) = ins.insert([("Daarna", org.pk, rec.pk, "planned", None, False)])
    assert again > later.pk


def test_json_and_constants_are_written_as_the_orm_reads_them() -> None:
    ins = Inserter(Job, ["kind", "params"], status="done", result={"n": 3})
    with transaction.atomic():
        (pk,) = ins.insert([("bulk.test", {"a": [1, "twee"], "b": None})])
    job = Job.objects.get(pk=pk)
    assert (job.kind, job.params, job.status, job.result) == (
        "bulk.test",
        {"a": [1, "twee"], "b": None},
        "done",
        {"n": 3},
    )
    assert (job.progress, job.attempts, job.cancel_requested, job.error) == (0.0, 0, False, None)


def test_check_names_the_field_that_is_too_long_or_missing() -> None:
    ins = Inserter(Action, ["title", "organisation_id", "status"])
    expected = {
        "en": [("title", "at most 200 characters"), ("status", "a value is required")],
        "nl": [("title", "hoogstens 200 tekens"), ("status", "een waarde is verplicht")],
    }
    for language, messages in expected.items():
        with translation.override(language):
            problems = ins.check(("x" * 201, 1, None))
            assert [(p.field, p.message.split(" (")[0]) for p in problems] == messages
            assert "201" in problems[0].message
    assert ins.check(("x" * 200, 1, "planned")) == []


def test_changes_insert_writes_one_entry_per_row_naming_the_upload(user: Any) -> None:
    org = _org()
    rec = Record.objects.filter(kind="work_agenda").first()
    up = Upload.objects.create(purpose="t", original_name="t.csv", status="accepted")
    ins = Inserter(Action, ["title", "organisation_id", "agenda_id", "status"])
    with transaction.atomic():
        ids = ins.insert([(f"A{i}", org.pk, rec.pk, "planned") for i in range(3)])
        assert (
            changes_insert(Action, ids, "import", {"file": [None, "t.csv"]}, user=user, upload=up)
            == 3
        )
    entries = list(Change.objects.filter(upload=up).order_by("object_id"))
    assert [c.object_id for c in entries] == ids
    assert {(c.action, c.user_id) for c in entries} == {("import", user.pk)}
    assert entries[0].changes == {"file": [None, "t.csv"]}
    assert [a.title for a in imported(Action, up)] == ["A0", "A1", "A2"]


CSV = """title,agenda,status,start,r_strategies,partners,figures
Eerste,{agenda},planned,,{r1}; {r2},Partner BV; Bulk NV,ton=12.5 t; events=4 #
Tweede,{agenda},running,2025-02-01,,,
"""


def test_an_import_keeps_strategies_partners_figures_and_its_history(user: Any) -> None:
    org = _org()
    partner = _org("Partner BV")
    ag = Record.objects.filter(kind="work_agenda").order_by("slug").first()
    r1, r2 = Record.objects.filter(kind="r_strategy").order_by("slug")[:2]
    text = CSV.format(agenda=ag.slug, r1=r1.slug, r2=r2.slug)
    out = agenda.actions_import(
        user=None, content=text.encode(), file_name="bulk.csv", organisation=org
    )
    first, second = list(out)
    assert (first.title, second.title, second.status, second.start) == (
        "Eerste",
        "Tweede",
        "running",
        dt.date(2025, 2, 1),
    )
    assert sorted(first.r_strategies.values_list("slug", flat=True)) == sorted([r1.slug, r2.slug])
    # the importing organisation is never its own partner
    assert list(first.partners.all()) == [partner]
    assert sorted((f.label, f.value, f.unit) for f in first.figures.all()) == [
        ("events", 4.0, "#"),
        ("ton", 12.5, "t"),
    ]
    assert second.r_strategies.count() == second.partners.count() == second.figures.count() == 0
    (entry,) = history_of(first)
    up = Upload.objects.get(purpose="agenda-actions", original_name="bulk.csv")
    assert (entry.action, entry.upload_id) == ("import", up.pk)
    assert entry.changes == {"upload": [None, up.pk], "file": [None, "bulk.csv"]}


def test_a_file_of_many_bad_rows_lists_a_thousand_problems_and_counts_the_rest() -> None:
    from circulair.core.errors import InputError

    org = _org()
    ag = Record.objects.filter(kind="work_agenda").order_by("slug").first()
    text = "title,agenda,status\n" + "".join(f"A{i},{ag.slug},lopend\n" for i in range(1500))
    with pytest.raises(InputError) as e:
        agenda.actions_import(
            user=None, content=text.encode(), file_name="veel.csv", organisation=org
        )
    problems = e.value.problems
    assert len(problems) == 1001
    assert (problems[0].row, problems[0].field, problems[0].value) == (2, "status", "lopend")
    # two problems a row: the status, and a start date that a running status would need
    assert [p.field for p in problems[:2]] == ["status", "start"]
    assert problems[999].row == 501
    assert problems[-1].message == "... and 2000 more problems not listed"
    assert not Action.objects.filter(organisation=org).exists()
