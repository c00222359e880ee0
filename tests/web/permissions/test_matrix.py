"""The permission matrix (issue 14), in the pattern NetBox uses: every URL pattern of the pages
and every operation of the API schema is requested by every persona, for reading and for
writing, and the outcome must be the one declared in :data:`PAGES` / :data:`API`. A new URL or
API operation without a declared rule fails :func:`test_every_url_and_operation_has_a_rule`.

Writes are crafted requests that pass the CSRF check (Django's test client does not enforce it,
which is what an attacker holding a valid token gets). Each request runs in a savepoint that is
rolled back, so one persona's successful write never changes what the next one meets.

Outcomes are classes: ``ok`` (served or accepted: 2xx, a redirect other than to the login, or a
4xx about the input itself: 400, 405, 409, 410), ``login`` (anonymous sent to sign in: a
redirect to the login page, or 401/403 from the API), ``deny`` (403), ``hidden`` (404: the
object does not exist for this persona).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = (
    "anonymous",
    "member_a",
    "member_b",
    "owner_a",
    "agenda_lead",
    "monitor_editor",
    "moderator",
    "scan_coordinator",
    "administrator",
)

W = dict[str, Any]


def outcome(status: int, location: str = "", api: bool = False) -> str:
    if status >= 500:
        return f"error {status}"
    if status in (301, 302, 303) and "/accounts/login/" in location:
        return "login"
    if api and status == 401:
        return "login"
    if status == 403:
        return "deny"
    if status == 404:
        return "hidden"
    return "ok"


def expand(spec: str) -> dict[str, str]:
    """A row of the matrix in short: ``"all ok"``, or ``"login: anonymous; ok: member_a
    administrator; else hidden"`` (outcome: persona names as in PERSONAS; ``else`` the rest)."""
    out: dict[str, str] = {}
    for part in [p.strip() for p in spec.split(";") if p.strip()]:
        head, _, names = part.partition(":")
        head = head.strip()
        if head.startswith("all "):
            out |= dict.fromkeys(PERSONAS, head[4:])
        elif head.startswith("else "):
            out |= {p: head[5:] for p in PERSONAS if p not in out}
        else:
            for n in names.split():
                assert n in PERSONAS, n
                out[n] = head
    assert set(out) == set(PERSONAS), spec
    return out


#: Anonymous visitors read; every signed-in persona too.
PUBLIC = "all ok"
#: A page for signed-in people.
SIGNED_IN = "login: anonymous; else ok"
ADMIN_ONLY = "login: anonymous; ok: administrator; else deny"
EDITORS = "login: anonymous; ok: monitor_editor administrator; else deny"


def _client(persona: str, w: W) -> Client:
    c = Client()
    if persona != "anonymous":
        c.force_login(w["users"][persona])
    return c


def _run(method: str, path: str, persona: str, w: W, api: bool, body: Any = None) -> str:
    c = _client(persona, w)
    with transaction.atomic():
        if method == "get":
            r = c.get(path)
        elif api:
            r = getattr(c, method)(
                path, data=json.dumps(body or {}), content_type="application/json"
            )
        else:
            r = c.post(path, body or {})
        transaction.set_rollback(True)
    return outcome(r.status_code, r.get("Location", ""), api)


def pattern_names() -> set[str]:
    """Every named page URL of the project (admin, allauth and the API excluded: the API is
    checked per schema operation, allauth and the admin are the libraries' own)."""

    def walk(res: Any, ns: str | None, prefix: str) -> Any:
        for p in res.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p, p.namespace or ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), (f"{ns}:" if ns else "") + (p.name or "")

    return {
        name
        for path, name in walk(get_resolver(), None, "")
        if not path.startswith(("admin/", "api/", "^api", "^media", "accounts/", "i18n/"))
        or name.startswith("accounts:")
    }


#: name -> the path it is requested at in the world of conftest.py
PATHS: dict[str, Callable[[W], str]] = {
    "portal:home": lambda w: "/",
    "portal:map": lambda w: "/map/",
    "portal:cases_geojson": lambda w: "/map/cases.geojson",
    "portal:about_data": lambda w: "/about/data/",
    "portal:coming": lambda w: "/soon/map/",
    "portal:upload_file": lambda w: f"/uploads/{w['upload'].pk}/",
    "portal:job": lambda w: f"/jobs/{w['run'].pk}/",
    "flows:index": lambda w: "/flows/",
    "flows:export": lambda w: "/flows/export.csv",
    "flows:sankey_svg": lambda w: "/flows/sankey.svg",
    "flows:import_register": lambda w: "/flows/import/register/",
    "flows:import_municipal": lambda w: "/flows/import/municipal/",
    "flows:template": lambda w: "/flows/templates/register.csv",
    "flows:dataset": lambda w: f"/flows/datasets/{w['flows'].pk}/",
    "flows:dataset_delete": lambda w: f"/flows/datasets/{w['flows'].pk}/delete/",
    "flows:opportunity_offer": lambda w: f"/flows/datasets/{w['flows'].pk}/offer/",
    "portal:job_cancel": lambda w: f"/jobs/{w['run'].pk}/cancel/",
    "portal:health": lambda w: "/health/",
    "knowledge:index": lambda w: "/kb/",
    "knowledge:r_ladder": lambda w: "/kb/r-ladder/",
    "knowledge:list": lambda w: "/kb/work_agenda/",
    "knowledge:detail": lambda w: "/kb/work_agenda/maakindustrie/",
    "knowledge:source": lambda w: "/kb/sources/003/?lines=943-963",
    "geography:municipalities": lambda w: "/geo/",
    "geography:partitions": lambda w: "/geo/partitions/",
    "geography:partition_import": lambda w: "/geo/partitions/import/",
    "geography:partition": lambda w: f"/geo/partitions/{w['partition']}/",
    "atlas:index": lambda w: "/atlas/",
    "atlas:run_create": lambda w: "/atlas/run/",
    "atlas:run": lambda w: f"/atlas/runs/{w['run'].pk}/",
    "atlas:run_status": lambda w: f"/atlas/runs/{w['run'].pk}/status/",
    "atlas:run_export": lambda w: f"/atlas/runs/{w['run'].pk}/export.csv",
    "atlas:compare": lambda w: f"/atlas/compare/?runs={w['run'].pk}",
    "atlas:mine": lambda w: "/atlas/mine/",
    "atlas:run_share": lambda w: f"/atlas/runs/{w['run'].pk}/share/",
    "atlas:run_cancel": lambda w: f"/atlas/runs/{w['run'].pk}/cancel/",
    "atlas:run_again": lambda w: f"/atlas/runs/{w['run'].pk}/again/",
    "atlas:shared": lambda w: f"/atlas/shared/{w['share_token']}/",
    "atlas:shared_status": lambda w: f"/atlas/shared/{w['share_token']}/status/",
    "atlas:shared_export": lambda w: f"/atlas/shared/{w['share_token']}/export.csv",
    "monitor:dashboard": lambda w: "/monitor/",
    "monitor:import": lambda w: "/monitor/import/",
    "monitor:imports": lambda w: "/monitor/imports/",
    "monitor:import_batch": lambda w: f"/monitor/imports/{w['batch'].pk}/",
    "monitor:import_decide": lambda w: f"/monitor/imports/{w['batch'].pk}/decide/",
    "monitor:template": lambda w: "/monitor/template.csv",
    "monitor:indicator": lambda w: f"/monitor/indicators/{w['indicator'].slug}/",
    "monitor:export": lambda w: f"/monitor/indicators/{w['indicator'].slug}/export.csv",
    "monitor:target_png": lambda w: f"/monitor/targets/{w['target'].slug}/chart.png",
    "exchange:list": lambda w: "/exchange/",
    "exchange:new": lambda w: "/exchange/new/",
    "exchange:import": lambda w: "/exchange/import/",
    "exchange:insight": lambda w: "/exchange/insight/",
    "exchange:allocation": lambda w: "/exchange/allocation/",
    "exchange:notifications": lambda w: "/exchange/notifications/",
    "exchange:propose": lambda w: "/exchange/propose/",
    "exchange:saved_search": lambda w: "/exchange/saved-searches/",
    "exchange:listing": lambda w: f"/exchange/listings/{w['offer'].pk}/",
    "exchange:listing_action": lambda w: f"/exchange/listings/{w['offer'].pk}/close/",
    "exchange:listing_action#hide": lambda w: f"/exchange/listings/{w['offer'].pk}/hide/",
    "exchange:match": lambda w: f"/exchange/matches/{w['match'].pk}/",
    "exchange:match_decide": lambda w: f"/exchange/matches/{w['match'].pk}/decide/",
    "agenda:index": lambda w: "/agenda/",
    "agenda:actions": lambda w: "/agenda/actions/",
    "agenda:action_new": lambda w: "/agenda/actions/new/",
    "agenda:action_validate": lambda w: "/agenda/actions/validate/",
    "agenda:action": lambda w: f"/agenda/actions/{w['action'].pk}/",
    "agenda:action_edit": lambda w: f"/agenda/actions/{w['action'].pk}/edit/",
    "agenda:action_status": lambda w: f"/agenda/actions/{w['action'].pk}/status/",
    "agenda:signatories": lambda w: "/agenda/signatories/",
    "agenda:signatory": lambda w: f"/agenda/signatories/{w['signatory'].pk}/",
    "agenda:programmes": lambda w: "/agenda/programmes/",
    "agenda:programme": lambda w: f"/agenda/programmes/{w['programme'].pk}/",
    "agenda:programme_advance": lambda w: f"/agenda/programmes/{w['programme'].pk}/advance/",
    "agenda:bottlenecks": lambda w: "/agenda/bottlenecks/",
    "agenda:bottleneck_status": lambda w: f"/agenda/bottlenecks/{w['bottleneck'].pk}/status/",
    "agenda:evaluation": lambda w: "/agenda/evaluation/",
    "agenda:evaluation_manage": lambda w: "/agenda/evaluation/manage/",
    "agenda:report": lambda w: "/agenda/report/",
    "agenda:report_pdf": lambda w: "/agenda/report.pdf",
    "agenda:import": lambda w: "/agenda/import/",
    "doers:list": lambda w: "/doers/",
    "doers:new": lambda w: "/doers/new/",
    "doers:review": lambda w: "/doers/review/",
    "doers:map": lambda w: "/doers/map/",
    "doers:geojson": lambda w: "/doers/map.geojson",
    "doers:detail": lambda w: f"/doers/{w['case'].slug}/",
    "doers:edit": lambda w: f"/doers/{w['case'].slug}/edit/",
    "doers:action": lambda w: f"/doers/{w['case'].slug}/publish/",
    "scan:index": lambda w: "/scan/",
    "scan:start": lambda w: "/scan/start/",
    "scan:network": lambda w: "/scan/network/",
    "scan:coordination": lambda w: "/scan/coordination/",
    "scan:import": lambda w: "/scan/import/",
    "scan:fill": lambda w: f"/scan/responses/{w['response'].pk}/",
    "scan:report": lambda w: f"/scan/responses/{w['response'].pk}/report/",
    "scan:report_pdf": lambda w: f"/scan/responses/{w['response'].pk}/report.pdf",
    "organisations:index": lambda w: "/org/",
    "organisations:roles": lambda w: "/org/roles/",
    "organisations:detail": lambda w: f"/org/{w['a'].pk}/",
    "organisations:invite": lambda w: f"/org/{w['a'].pk}/invite/",
    "organisations:join": lambda w: f"/org/{w['a'].pk}/join/",
    "organisations:invitation": lambda w: f"/org/invitations/{w['token']}/",
    "organisations:invitation-revoke": lambda w: f"/org/invitations/{w['invitation'].pk}/revoke/",
    "organisations:join-decide": lambda w: f"/org/requests/{w['join'].pk}/decide/",
    "organisations:member-role": lambda w: f"/org/members/{w['membership_a'].pk}/role/",
    "organisations:member-remove": lambda w: f"/org/members/{w['membership_a'].pk}/remove/",
    "accounts:profile": lambda w: "/accounts/profile/",
}


#: name -> (GET, POST) outcomes per persona. Decisions worth knowing:
#: - administrators do not act for companies in the exchange (proposals, decisions and new
#:   listings are the parties' own: 403 for an administrator without an organisation);
#: - an agenda lead reads every action of their agenda but edits none of an organisation's;
#: - a plain member of A may leave A (member-remove of their own membership);
#: - POSTs to read-only pages answer like a GET (the page again): "ok".
PAGES: dict[str, tuple[str, str]] = {
    "accounts:profile": (SIGNED_IN, SIGNED_IN),
    "agenda:action": (
        "ok: member_a owner_a agenda_lead administrator; else hidden",
        "ok: member_a owner_a agenda_lead administrator; else hidden",
    ),
    "agenda:action_edit": (
        "login: anonymous; ok: member_a owner_a administrator; deny: agenda_lead; else hidden",
        "login: anonymous; ok: member_a owner_a administrator; deny: agenda_lead; else hidden",
    ),
    "agenda:action_new": (
        "login: anonymous; deny: agenda_lead monitor_editor moderator scan_coordinator; else ok",
        "login: anonymous; deny: agenda_lead monitor_editor moderator scan_coordinator; else ok",
    ),
    "agenda:action_status": (
        SIGNED_IN,
        "login: anonymous; ok: member_a owner_a administrator; deny: agenda_lead; else hidden",
    ),
    "agenda:action_validate": (SIGNED_IN, SIGNED_IN),
    "agenda:actions": (PUBLIC, PUBLIC),
    "agenda:bottleneck_status": (
        SIGNED_IN,
        "login: anonymous; ok: agenda_lead administrator; else deny",
    ),
    "agenda:bottlenecks": (PUBLIC, SIGNED_IN),
    "agenda:evaluation": (PUBLIC, PUBLIC),
    "agenda:evaluation_manage": (SIGNED_IN, "login: anonymous; else hidden"),
    "agenda:import": (SIGNED_IN, SIGNED_IN),
    "agenda:index": (PUBLIC, PUBLIC),
    "agenda:programme": (PUBLIC, PUBLIC),
    "agenda:programme_advance": (
        SIGNED_IN,
        "login: anonymous; ok: agenda_lead administrator; else deny",
    ),
    "agenda:programmes": (PUBLIC, SIGNED_IN),
    "agenda:report": (PUBLIC, PUBLIC),
    "agenda:report_pdf": (PUBLIC, PUBLIC),
    "agenda:signatories": (PUBLIC, SIGNED_IN),
    "agenda:signatory": (PUBLIC, "login: anonymous; ok: agenda_lead administrator; else deny"),
    "atlas:compare": (PUBLIC, PUBLIC),
    "atlas:index": (PUBLIC, PUBLIC),
    "atlas:run": (
        "ok: member_a administrator; else hidden",
        "ok: member_a administrator; else hidden",
    ),
    "atlas:run_create": (PUBLIC, PUBLIC),
    "atlas:mine": (SIGNED_IN, SIGNED_IN),
    # POST shares the run: its owner or an administrator; others do not see it
    "atlas:run_share": (SIGNED_IN, "login: anonymous; ok: member_a administrator; else hidden"),
    # POST cancels the run (a finished one stays as it is): its owner or an administrator
    "atlas:run_cancel": (SIGNED_IN, "login: anonymous; ok: member_a administrator; else hidden"),
    # POST starts the run again with twice its time limit: its owner or an administrator
    "atlas:run_again": (SIGNED_IN, "login: anonymous; ok: member_a administrator; else hidden"),
    # a share link opens its one run to whoever holds it (read-only)
    "atlas:shared": (PUBLIC, PUBLIC),
    "atlas:shared_status": (PUBLIC, PUBLIC),
    "atlas:shared_export": ("all hidden", "all hidden"),  # no result yet, as atlas:run_export
    # the world's run has no result yet: nothing to export for anyone (see atlas/test_privacy)
    "atlas:run_export": ("all hidden", "all hidden"),
    "atlas:run_status": (
        "ok: member_a administrator; else hidden",
        "ok: member_a administrator; else hidden",
    ),
    # publish = approve: catalogue moderators and administrators; the authors submit
    "doers:action": (
        SIGNED_IN,
        "login: anonymous; deny: member_a owner_a; ok: moderator administrator; else hidden",
    ),
    "doers:detail": (
        "ok: member_a owner_a moderator administrator; else hidden",
        "ok: member_a owner_a moderator administrator; else hidden",
    ),
    "doers:edit": (
        "login: anonymous; hidden: member_b agenda_lead monitor_editor scan_coordinator; else ok",
        "login: anonymous; hidden: member_b agenda_lead monitor_editor scan_coordinator; else ok",
    ),
    "doers:review": (
        "login: anonymous; ok: moderator administrator; else deny",
        "login: anonymous; ok: moderator administrator; else deny",
    ),
    "doers:geojson": (PUBLIC, PUBLIC),
    "doers:list": (PUBLIC, PUBLIC),
    "doers:map": (PUBLIC, PUBLIC),
    "doers:new": (
        "login: anonymous; deny: agenda_lead monitor_editor moderator scan_coordinator; else ok",
        "login: anonymous; deny: agenda_lead monitor_editor moderator scan_coordinator; else ok",
    ),
    "exchange:import": (
        "login: anonymous; ok: member_a member_b owner_a; else deny",
        "login: anonymous; ok: member_a member_b owner_a; else deny",
    ),
    "exchange:insight": (PUBLIC, PUBLIC),
    "exchange:allocation": (
        "login: anonymous; ok: moderator administrator; else deny",
        "login: anonymous; ok: moderator administrator; else deny",
    ),
    "exchange:list": (PUBLIC, PUBLIC),
    "exchange:listing": (PUBLIC, PUBLIC),
    "exchange:listing_action": (SIGNED_IN, "login: anonymous; ok: member_a owner_a; else deny"),
    "exchange:listing_action#hide": (
        SIGNED_IN,
        "login: anonymous; ok: moderator administrator; else deny",
    ),
    "exchange:match": (
        "login: anonymous; ok: member_a member_b owner_a; else deny",
        "login: anonymous; ok: member_a member_b owner_a; else deny",
    ),
    "exchange:match_decide": (SIGNED_IN, "login: anonymous; ok: member_a owner_a; else deny"),
    "exchange:new": (
        "login: anonymous; ok: member_a member_b owner_a; else deny",
        "login: anonymous; ok: member_a member_b owner_a; else deny",
    ),
    "exchange:notifications": (SIGNED_IN, SIGNED_IN),
    "exchange:propose": (SIGNED_IN, "login: anonymous; else hidden"),
    "exchange:saved_search": (SIGNED_IN, SIGNED_IN),
    "geography:municipalities": (PUBLIC, PUBLIC),
    "geography:partition": (PUBLIC, PUBLIC),
    "geography:partition_import": (
        "login: anonymous; ok: monitor_editor administrator; else deny",
        "login: anonymous; ok: monitor_editor administrator; else deny",
    ),
    "geography:partitions": (PUBLIC, PUBLIC),
    "knowledge:detail": (PUBLIC, PUBLIC),
    "knowledge:index": (PUBLIC, PUBLIC),
    "knowledge:list": (PUBLIC, PUBLIC),
    "knowledge:r_ladder": (PUBLIC, PUBLIC),
    "knowledge:source": (PUBLIC, PUBLIC),
    "monitor:dashboard": (PUBLIC, PUBLIC),
    "monitor:export": (PUBLIC, PUBLIC),
    "monitor:import": (
        "login: anonymous; ok: monitor_editor administrator; else deny",
        "login: anonymous; ok: monitor_editor administrator; else deny",
    ),
    "monitor:imports": (EDITORS, EDITORS),
    # the world's batch waits, imported by monitor_editor: a second editor decides, not they
    "monitor:import_batch": (EDITORS, EDITORS),
    "monitor:import_decide": (SIGNED_IN, "login: anonymous; ok: administrator; else deny"),
    "monitor:indicator": (PUBLIC, PUBLIC),
    "monitor:target_png": (PUBLIC, PUBLIC),
    "monitor:template": (PUBLIC, PUBLIC),
    "organisations:detail": (SIGNED_IN, SIGNED_IN),
    "organisations:index": (SIGNED_IN, SIGNED_IN),
    "organisations:invitation": (PUBLIC, PUBLIC),
    "organisations:invitation-revoke": (
        SIGNED_IN,
        "login: anonymous; ok: owner_a administrator; else deny",
    ),
    "organisations:invite": (SIGNED_IN, "login: anonymous; ok: owner_a administrator; else deny"),
    "organisations:join": (SIGNED_IN, SIGNED_IN),
    "organisations:join-decide": (
        SIGNED_IN,
        "login: anonymous; ok: owner_a administrator; else deny",
    ),
    "organisations:member-remove": (
        SIGNED_IN,
        "login: anonymous; ok: member_a owner_a administrator; else deny",
    ),
    "organisations:member-role": (
        SIGNED_IN,
        "login: anonymous; ok: owner_a administrator; else deny",
    ),
    "organisations:roles": (ADMIN_ONLY, ADMIN_ONLY),
    # flows: lists and exports hold only the rows the persona may see; a company's register
    # is its members' (and analysts', administrators') and hidden from everyone else
    "flows:index": (PUBLIC, PUBLIC),
    "flows:export": (PUBLIC, PUBLIC),
    "flows:sankey_svg": (PUBLIC, PUBLIC),
    "flows:template": (PUBLIC, PUBLIC),
    "flows:import_register": (SIGNED_IN, SIGNED_IN),
    "flows:import_municipal": (EDITORS, EDITORS),
    "flows:dataset": (
        "ok: member_a owner_a administrator; else hidden",
        "ok: member_a owner_a administrator; else hidden",
    ),
    "flows:opportunity_offer": (
        SIGNED_IN,
        "login: anonymous; ok: member_a owner_a administrator; else hidden",
    ),
    "flows:dataset_delete": (
        SIGNED_IN,
        "login: anonymous; ok: member_a owner_a administrator; else hidden",
    ),
    "portal:about_data": (PUBLIC, PUBLIC),
    "portal:cases_geojson": (PUBLIC, PUBLIC),
    "portal:coming": (PUBLIC, PUBLIC),
    "portal:home": (PUBLIC, PUBLIC),
    "portal:health": (PUBLIC, PUBLIC),
    "portal:map": (PUBLIC, PUBLIC),
    "portal:upload_file": (
        "ok: member_a administrator; else hidden",
        "ok: member_a administrator; else hidden",
    ),
    # a background job's page (an import's progress and outcome): its creator or an administrator
    "portal:job": (
        "ok: member_a administrator; else hidden",
        "ok: member_a administrator; else hidden",
    ),
    "portal:job_cancel": (SIGNED_IN, "login: anonymous; ok: member_a administrator; else hidden"),
    # scan coordinators and administrators follow every government's scan read-only: their
    # answers or submission are refused (403); only the government's members write
    "scan:coordination": (
        "login: anonymous; ok: scan_coordinator administrator; else deny",
        "login: anonymous; ok: scan_coordinator administrator; else deny",
    ),
    "scan:import": (
        "login: anonymous; ok: scan_coordinator administrator; else deny",
        "login: anonymous; ok: scan_coordinator administrator; else deny",
    ),
    "scan:fill": (
        "login: anonymous; ok: member_a scan_coordinator administrator; else hidden",
        "login: anonymous; ok: member_a; deny: scan_coordinator administrator; else hidden",
    ),
    "scan:index": (PUBLIC, PUBLIC),
    # everyone signed in; analysts, scan coordinators and administrators see small groups
    "scan:network": (SIGNED_IN, SIGNED_IN),
    "scan:report": (
        "login: anonymous; ok: member_a scan_coordinator administrator; else hidden",
        "login: anonymous; ok: member_a scan_coordinator administrator; else hidden",
    ),
    # the world's scan is not submitted yet: no PDF for anyone
    "scan:report_pdf": ("login: anonymous; else hidden", "login: anonymous; else hidden"),
    "scan:start": (SIGNED_IN, "login: anonymous; else hidden"),
}


#: the object an API path's {id}/{slug}/… names, by the path's first segments
API_OBJECTS: dict[str, Callable[[W], Any]] = {
    "/api/v1/agenda/actions/": lambda w: w["action"].pk,
    "/api/v1/agenda/bottlenecks/": lambda w: w["bottleneck"].pk,
    "/api/v1/agenda/programmes/": lambda w: w["programme"].pk,
    "/api/v1/agenda/signatories/": lambda w: w["signatory"].pk,
    "/api/v1/arrondissements/": lambda w: "11000",
    "/api/v1/atlas/runs/": lambda w: w["run"].pk,
    "/api/v1/doers/cases/": lambda w: w["case"].slug,
    "/api/v1/exchange/listings/": lambda w: w["offer"].pk,
    "/api/v1/exchange/matches/": lambda w: w["match"].pk,
    "/api/v1/flows/datasets/": lambda w: w["flows"].pk,
    "/api/v1/jobs/": lambda w: w["run"].pk,
    "/api/v1/monitor/imports/": lambda w: w["batch"].pk,
    "/api/v1/monitor/indicators/": lambda w: w["indicator"].slug,
    "/api/v1/monitor/observations/": lambda w: w["observation"].pk,
    "/api/v1/monitor/targets/": lambda w: w["target"].slug,
    "/api/v1/municipalities/": lambda w: "24062",
    "/api/v1/partitions/": lambda w: w["partition"],
    "/api/v1/provinces/": lambda w: "20001",
    "/api/v1/records/": lambda w: "work_agenda/maakindustrie",
    "/api/v1/regions/": lambda w: "flanders",
    "/api/v1/scan/questionnaires/": lambda w: w["questionnaire"].pk,
    "/api/v1/scan/responses/": lambda w: w["response"].pk,
    "/api/v1/sources/": lambda w: w["source"],
}


def api_operations() -> list[tuple[str, str]]:
    """(METHOD, schema path) of every operation of the API schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (m.upper(), p)
        for p, ops in schema["paths"].items()
        for m in ops
        if m in ("get", "post", "put", "patch", "delete")
    )


def api_path(template: str, w: W) -> str:
    if "{" not in template:
        return template
    prefix = template[: template.index("{")]
    value = API_OBJECTS[prefix](w)
    return template[: template.index("{")] + str(value) + template[template.index("}") + 1 :]


ANON_DENIED = "deny: anonymous; else ok"

#: "METHOD path" -> outcome per persona (API: anonymous writes answer 401/403)
API: dict[str, str] = {
    # flows: aggregates over the rows the persona may see; a register's own paths are hidden
    "GET /api/v1/flows/datasets/": PUBLIC,
    "GET /api/v1/flows/datasets/{id}/": "ok: member_a owner_a administrator; else hidden",
    "GET /api/v1/flows/datasets/{id}/flows/": "ok: member_a owner_a administrator; else hidden",
    "GET /api/v1/flows/aggregate/": PUBLIC,
    "GET /api/v1/flows/sankey/": PUBLIC,
    "GET /api/v1/flows/registers/": PUBLIC,
    "GET /api/v1/agenda/actions/": PUBLIC,
    "GET /api/v1/agenda/actions/{id}/": (
        "ok: member_a owner_a agenda_lead administrator; else hidden"
    ),
    "GET /api/v1/agenda/actions/{id}/history/": (
        "ok: member_a owner_a agenda_lead administrator; else hidden"
    ),
    "GET /api/v1/agenda/bottlenecks/": PUBLIC,
    "GET /api/v1/agenda/bottlenecks/{id}/": PUBLIC,
    "GET /api/v1/agenda/evaluation/": PUBLIC,
    "GET /api/v1/agenda/programmes/": PUBLIC,
    "GET /api/v1/agenda/programmes/{id}/": PUBLIC,
    "GET /api/v1/agenda/signatories/": PUBLIC,
    "GET /api/v1/agenda/signatories/{id}/": PUBLIC,
    "GET /api/v1/arrondissements/": PUBLIC,
    "GET /api/v1/arrondissements/{refnis}/": PUBLIC,
    "GET /api/v1/atlas/runs/": PUBLIC,
    "GET /api/v1/atlas/runs/presets/": PUBLIC,
    "GET /api/v1/atlas/runs/{id}/": "ok: member_a administrator; else hidden",
    "GET /api/v1/atlas/runs/{id}/geojson/": "ok: member_a administrator; else hidden",
    "POST /api/v1/atlas/runs/{id}/share/": (
        "deny: anonymous; ok: member_a administrator; else hidden"
    ),
    "POST /api/v1/atlas/runs/{id}/cancel/": (
        "deny: anonymous; ok: member_a administrator; else hidden"
    ),
    "DELETE /api/v1/atlas/runs/{id}/share/": (
        "deny: anonymous; ok: member_a administrator; else hidden"
    ),
    "GET /api/v1/doers/cases/": PUBLIC,
    "GET /api/v1/doers/cases/{slug}/": (
        "ok: member_a owner_a moderator administrator; else hidden"
    ),
    "GET /api/v1/exchange/listings/": PUBLIC,
    "GET /api/v1/exchange/listings/{id}/": PUBLIC,
    "GET /api/v1/exchange/listings/{id}/matches/": "ok: member_a owner_a; else deny",
    # a catalogue moderator hides a listing with a reason its owner sees (and shows it again)
    "POST /api/v1/exchange/listings/{id}/hide/": "ok: moderator administrator; else deny",
    "POST /api/v1/exchange/listings/{id}/unhide/": "ok: moderator administrator; else deny",
    "GET /api/v1/exchange/matches/": ANON_DENIED,
    "GET /api/v1/exchange/matches/{id}/": (
        "deny: anonymous; ok: member_a member_b owner_a; else hidden"
    ),
    "GET /api/v1/monitor/imports/": "ok: monitor_editor administrator; else deny",
    "GET /api/v1/monitor/imports/{id}/": "ok: monitor_editor administrator; else deny",
    "GET /api/v1/jobs/{id}/": "deny: anonymous; ok: member_a administrator; else hidden",
    "GET /api/v1/monitor/indicators/": PUBLIC,
    "GET /api/v1/monitor/indicators/{slug}/": PUBLIC,
    "GET /api/v1/monitor/observations/": PUBLIC,
    "GET /api/v1/monitor/observations/{id}/": PUBLIC,
    "GET /api/v1/monitor/targets/": PUBLIC,
    "GET /api/v1/monitor/targets/rule/": PUBLIC,
    "GET /api/v1/monitor/targets/{slug}/": PUBLIC,
    "GET /api/v1/municipalities/": PUBLIC,
    "GET /api/v1/municipalities/geojson/": PUBLIC,
    "GET /api/v1/municipalities/{refnis}/": PUBLIC,
    "GET /api/v1/partitions/": PUBLIC,
    "GET /api/v1/partitions/{slug}/": PUBLIC,
    "GET /api/v1/partitions/{slug}/units/": PUBLIC,
    "GET /api/v1/provinces/": PUBLIC,
    "GET /api/v1/provinces/{refnis}/": PUBLIC,
    "GET /api/v1/records/": PUBLIC,
    "GET /api/v1/records/kinds/": PUBLIC,
    "GET /api/v1/records/{key}/": PUBLIC,
    "GET /api/v1/regions/": PUBLIC,
    "GET /api/v1/regions/{slug}/": PUBLIC,
    "GET /api/v1/scan/network/": ANON_DENIED,
    "GET /api/v1/scan/questionnaires/": PUBLIC,
    "GET /api/v1/scan/questionnaires/{id}/": PUBLIC,
    "GET /api/v1/scan/responses/": ANON_DENIED,
    "GET /api/v1/scan/responses/{id}/": (
        "deny: anonymous; ok: member_a scan_coordinator administrator; else hidden"
    ),
    # not submitted yet: no report for anyone
    "GET /api/v1/scan/responses/{id}/report/": "deny: anonymous; else hidden",
    "GET /api/v1/sources/": PUBLIC,
    "GET /api/v1/sources/{code}/": PUBLIC,
    "PATCH /api/v1/agenda/actions/{id}/": (
        "deny: anonymous agenda_lead; ok: member_a owner_a administrator; else hidden"
    ),
    "PATCH /api/v1/doers/cases/{slug}/": (
        "deny: anonymous; hidden: member_b agenda_lead monitor_editor scan_coordinator; else ok"
    ),
    "POST /api/v1/agenda/actions/": ANON_DENIED,
    "POST /api/v1/agenda/actions/{id}/transition/": (
        "deny: anonymous; hidden: member_b monitor_editor moderator scan_coordinator; else ok"
    ),
    "POST /api/v1/agenda/bottlenecks/": ANON_DENIED,
    "POST /api/v1/agenda/programmes/": ANON_DENIED,
    "POST /api/v1/agenda/programmes/{id}/advance/": "ok: agenda_lead administrator; else deny",
    "POST /api/v1/agenda/signatories/": ANON_DENIED,
    # with a siting body: an account is needed (a cited preset stays open to everyone)
    "POST /api/v1/atlas/runs/": ANON_DENIED,
    "POST /api/v1/doers/cases/": ANON_DENIED,
    "POST /api/v1/doers/cases/{slug}/archive/": (
        "deny: anonymous member_a owner_a; ok: moderator administrator; else hidden"
    ),
    "POST /api/v1/doers/cases/{slug}/publish/": (
        "deny: anonymous member_a owner_a; ok: moderator administrator; else hidden"
    ),
    "POST /api/v1/doers/cases/{slug}/send-back/": (
        "deny: anonymous member_a owner_a; ok: moderator administrator; else hidden"
    ),
    "POST /api/v1/doers/cases/{slug}/submit/": (
        "deny: anonymous; hidden: member_b agenda_lead monitor_editor scan_coordinator; else ok"
    ),
    "POST /api/v1/doers/cases/{slug}/unpublish/": (
        "deny: anonymous; hidden: member_b agenda_lead monitor_editor scan_coordinator; else ok"
    ),
    "POST /api/v1/exchange/listings/": ANON_DENIED,
    "POST /api/v1/exchange/matches/": ANON_DENIED,
    "POST /api/v1/exchange/matches/{id}/accept/": "ok: member_a owner_a; else deny",
    "POST /api/v1/exchange/matches/{id}/decline/": "ok: member_a owner_a; else deny",
    "POST /api/v1/monitor/observations/import/": "ok: monitor_editor administrator; else deny",
    # the importer (monitor_editor) may not decide their own batch
    "POST /api/v1/monitor/imports/{id}/approve/": "ok: administrator; else deny",
    "POST /api/v1/monitor/imports/{id}/reject/": "ok: administrator; else deny",
    "POST /api/v1/partitions/import/": "ok: monitor_editor administrator; else deny",
    "POST /api/v1/scan/responses/": ANON_DENIED,
    # read-only for scan coordinators and administrators (they may see it, not write it)
    "POST /api/v1/scan/responses/{id}/answers/": (
        "deny: anonymous scan_coordinator administrator; ok: member_a; else hidden"
    ),
    "POST /api/v1/scan/responses/{id}/submit/": (
        "deny: anonymous scan_coordinator administrator; ok: member_a; else hidden"
    ),
    "PUT /api/v1/agenda/actions/{id}/": (
        "deny: anonymous agenda_lead; ok: member_a owner_a administrator; else hidden"
    ),
}

#: a realistic body where an empty one would be refused before anyone's rights are asked
BODIES: dict[str, Callable[[W], Any]] = {
    "POST /api/v1/atlas/runs/": lambda w: {"mode": "site", "model": "p_median", "p": 1},
    "POST /api/v1/atlas/runs/{id}/share/": lambda w: {"link": True},
    "POST /api/v1/doers/cases/{slug}/send-back/": lambda w: {"remark": "Add the results."},
    "POST /api/v1/exchange/listings/{id}/hide/": lambda w: {"reason": "Not a real offer."},
}


PAGE_BODIES: dict[str, dict[str, str]] = {
    "exchange:listing_action#hide": {"reason": "Not a real offer."},
}


def test_every_url_and_operation_has_a_rule() -> None:
    """A page or API operation added without a row here fails: declare who may use it."""
    # "name#variant": one URL pattern asked with another argument (e.g. another action)
    declared = {name.split("#")[0] for name in PAGES}
    assert sorted(pattern_names() - declared) == []
    assert sorted(declared - pattern_names()) == []  # no rule for a page that is gone
    ops = {f"{m} {p}" for m, p in api_operations()}
    assert sorted(ops - set(API)) == [] and sorted(set(API) - ops) == []
    assert set(PATHS) == set(PAGES)


def _mismatches(expected: dict[str, str], got: dict[str, str]) -> dict[str, tuple[str, str]]:
    return {p: (expected[p], got[p]) for p in PERSONAS if expected[p] != got[p]}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page(world: W, name: str) -> None:
    path = PATHS[name](world)
    get_spec, post_spec = PAGES[name]
    body = PAGE_BODIES.get(name)
    got_get = {p: _run("get", path, p, world, False) for p in PERSONAS}
    got_post = {p: _run("post", path, p, world, False, body) for p in PERSONAS}
    assert _mismatches(expand(get_spec), got_get) == {}, f"GET {path}"
    assert _mismatches(expand(post_spec), got_post) == {}, f"POST {path}"


@pytest.mark.parametrize("op", sorted(API))
def test_api(world: W, op: str) -> None:
    method, template = op.split(" ", 1)
    path = api_path(template, world)
    body = BODIES[op](world) if op in BODIES else None
    got = {p: _run(method.lower(), path, p, world, True, body) for p in PERSONAS}
    assert _mismatches(expand(API[op]), got) == {}, op


DOC = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"
SHORT = {"ok": "✓", "login": "login", "deny": "403", "hidden": "404"}
LEGEND = (
    "✓ served or accepted (or the input refused for what it says, not for who sends it) · "
    "login: sent to sign in (API: 401/403) · 403: refused · 404: not shown to this persona"
)


def permissions_doc() -> str:
    """docs/permissions.md, rendered from the matrix above and common.permissions."""
    from circulair.web.apps.common.permissions import Role, rules_table

    head = " | ".join(PERSONAS)
    sep = "|".join(["---"] * (len(PERSONAS) + 1))
    lines = [
        "# Who may do what",
        "",
        "Generated from `web/apps/common/permissions/rules.py` (the rules) and",
        "`tests/web/permissions/test_matrix.py` (the matrix every page and API operation is",
        "tested against); the test fails when this file differs. Regenerate:",
        "`CIRCULAIR_WRITE_DOCS=1 scripts/test tests/web/permissions -k doc`.",
        "",
        "## Roles",
        "",
        "- Organisation roles: **owner** (manages members, invitations and requests to join) and",
        "  **member** (acts for the organisation). People join by an owner's invitation or by a",
        "  request an owner accepts.",
        "- Platform roles (granted by administrators on `/org/roles/` or with",
        "  `circulair org grant-role`): " + ", ".join(f"`{r.value}`" for r in Role) + ".",
        "- Agenda leads are named per work agenda (`circulair agenda lead`).",
        "- An **administrator** is an active staff or superuser account and may do what every",
        "  role may, except act for a company in the exchange (proposals and decisions are the",
        "  parties' own).",
        "",
        "## Every action (`web/apps/common/permissions/rules.py`)",
        "",
        "Pages, the API, services, exports and the command line ask these rules; lists are",
        "filtered by the same grants in the database. A role includes administrators; the",
        "operator at the machine (the command line) may do everything.",
        "",
        *rules_table(),
        "",
        "## Personas of the matrix",
        "",
        "anonymous; member_a (member of business A and of the government Leuven); member_b",
        "(member of business B); owner_a (owner of A); agenda_lead (leads the manufacturing",
        "agenda); monitor_editor (also geography editor); moderator (catalogue moderator);",
        "scan_coordinator; administrator. Objects: A's private action, A's draft case, A's offer",
        "and B's request with a proposed match, Leuven's scan, member_a's siting run and upload.",
        "",
        "## Pages (GET / crafted POST)",
        "",
        LEGEND,
        "",
        f"| page | {head} |",
        f"|{sep}|",
    ]
    for name in sorted(PAGES):
        g, p = (expand(s) for s in PAGES[name])
        cells = [
            SHORT[g[x]] if g[x] == p[x] else f"{SHORT[g[x]]} / {SHORT[p[x]]}" for x in PERSONAS
        ]
        lines.append(f"| `{name}` | {' | '.join(cells)} |")
    lines += ["", "## API operations", "", LEGEND, "", f"| operation | {head} |", f"|{sep}|"]
    for op in sorted(API):
        row = expand(API[op])
        lines.append(f"| `{op}` | {' | '.join(SHORT[row[x]] for x in PERSONAS)} |")
    return "\n".join(lines) + "\n"


def test_permissions_doc_is_generated_from_the_matrix() -> None:
    text = permissions_doc()
    if os.environ.get("CIRCULAIR_WRITE_DOCS"):
        DOC.write_text(text, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == text, "regenerate docs/permissions.md (see its head)"
