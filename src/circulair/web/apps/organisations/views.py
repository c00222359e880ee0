"""Organisation pages: my organisations and the directory, an organisation's members (managed
by its owners), invitations, requests to join, and the administrators' platform roles."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circulair.core.errors import InputError
from circulair.web.apps.common import permissions
from circulair.web.apps.common.permissions import Role
from circulair.web.apps.common.texts import problem_text
from circulair.web.apps.organisations import selectors, services
from circulair.web.apps.organisations.forms import (
    AcceptForm,
    InviteForm,
    JoinForm,
    MemberRoleForm,
    PlatformRoleForm,
)
from circulair.web.apps.organisations.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
)


def _errors(request: HttpRequest, e: InputError) -> None:
    for p in e.problems:
        messages.error(request, problem_text(p))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    mine = selectors.organisations_of(request.user)
    return render(
        request,
        "organisations/index.html",
        {
            "mine": [(o, selectors.role_in(request.user, o)) for o in mine.order_by("name")],
            "directory": selectors.organisation_directory(query).exclude(pk__in=mine)[:50],
            "q": query,
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=pk)
    role = selectors.role_in(request.user, org)
    manage = selectors.may_manage_members(request.user, org)
    ctx: dict[str, Any] = {
        "org": org,
        "role": role,
        "manage": manage,
        "members": selectors.memberships_of(org) if (role or manage) else [],
        "invite_form": InviteForm(initial={"language": request.LANGUAGE_CODE}),
        "join_form": JoinForm(),
        "role_form": MemberRoleForm(),
    }
    if manage:
        ctx["invitations"] = selectors.invitations_pending(org)
        ctx["requests"] = selectors.join_requests_pending(org)
    return render(request, "organisations/detail.html", ctx)


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=pk)
    if not selectors.may_manage_members(request.user, org):
        raise PermissionDenied
    form = InviteForm(request.POST)
    if not form.is_valid():
        for field, errs in form.errors.items():
            messages.error(request, f"{field}: {' '.join(str(e) for e in errs)}")
        return redirect("organisations:detail", pk=org.pk)
    try:
        services.invitation_create(user=request.user, organisation=org, **form.cleaned_data)
    except InputError as e:
        _errors(request, e)
    else:
        messages.success(
            request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
        )
    return redirect("organisations:detail", pk=org.pk)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    inv = services.invitation_find(token)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and inv is not None:
        try:
            if request.user.is_authenticated:
                membership = services.invitation_accept(token=token, user=request.user)
            elif form.is_valid():
                membership = services.invitation_accept(token=token, **form.cleaned_data)
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                membership = None
        except InputError as e:
            _errors(request, e)
        else:
            if membership is not None:
                messages.success(
                    request,
                    _("Welcome to %(org)s.") % {"org": membership.organisation.name},
                )
                return redirect("organisations:detail", pk=membership.organisation_id)
    usable = inv is not None and inv.is_pending
    return render(
        request,
        "organisations/invitation.html",
        {
            "inv": inv,
            "usable": usable,
            "form": form,
            "existing": inv is not None
            and get_user_model().objects.filter(email__iexact=inv.email).exists(),
        },
        status=404
        if inv is None
        else 410
        if not usable
        else 400
        if request.method == "POST"
        else 200,
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    inv = get_object_or_404(Invitation, pk=pk)
    services.invitation_revoke(user=request.user, invitation=inv)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("organisations:detail", pk=inv.organisation_id)


@login_required
@require_POST
def join(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=pk)
    form = JoinForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        services.join_request_create(user=request.user, organisation=org, message=message)
    except InputError as e:
        _errors(request, e)
    else:
        messages.success(
            request, _("Your request was sent to the owners of %(org)s.") % {"org": org.name}
        )
    return redirect("organisations:index")


@login_required
@require_POST
def join_decide(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(JoinRequest, pk=pk)
    try:
        services.join_request_decide(
            user=request.user, request=req, accept=request.POST.get("accept") == "1"
        )
    except InputError as e:
        _errors(request, e)
    return redirect("organisations:detail", pk=req.organisation_id)


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    m = get_object_or_404(Membership, pk=pk)
    if not selectors.may_manage_members(request.user, m.organisation):
        raise PermissionDenied
    form = MemberRoleForm(request.POST)
    try:
        if not form.is_valid():
            raise InputError.single(
                "unknown role", field="role", value=request.POST.get("role", "")
            )
        services.member_role_set(user=request.user, membership=m, role=form.cleaned_data["role"])
    except InputError as e:
        _errors(request, e)
    return redirect("organisations:detail", pk=m.organisation_id)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    m = get_object_or_404(Membership, pk=pk)
    org_id, own = m.organisation_id, m.user_id == request.user.pk
    try:
        services.member_remove(user=request.user, membership=m)
    except InputError as e:
        _errors(request, e)
        return redirect("organisations:detail", pk=org_id)
    if own:
        return redirect("organisations:index")
    return redirect("organisations:detail", pk=org_id)


@login_required
def platform_roles(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "platform.roles.grant")
    form = PlatformRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = get_user_model().objects.filter(username=form.cleaned_data["username"]).first()
        if target is None:
            messages.error(
                request, _("No user named %(name)s.") % {"name": form.cleaned_data["username"]}
            )
        else:
            try:
                services.role_set(
                    user=request.user,
                    target=target,
                    role=form.cleaned_data["role"],
                    granted=form.cleaned_data["granted"],
                )
            except InputError as e:
                _errors(request, e)
            else:
                messages.success(request, _("Saved."))
                return redirect("organisations:roles")
    holders = {r.value: list(permissions.holders(r)) for r in Role}
    return render(request, "organisations/roles.html", {"form": form, "holders": holders})
