"""Doers pages: the public catalogue (search, facets, map), a case, the members' forms, and the
moderators' queue of drafts submitted for review."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circulair.core.errors import InputError
from circulair.web.apps.common.public_cache import public_page
from circulair.web.apps.common.texts import problem_message
from circulair.web.apps.doers import presenters, selectors, services
from circulair.web.apps.doers.forms import CaseForm
from circulair.web.apps.doers.models import Case
from circulair.web.apps.geography.selectors import region_default

PARAMS = ("q", "agenda", "province", "r", "category", "municipality")


def _params(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in PARAMS if request.GET.get(k, "").strip()}


def _page_size(request: HttpRequest, default: int = 20) -> int:
    try:
        return max(1, min(100, int(request.GET.get("page_size") or default)))
    except ValueError:
        return default


@public_page(selectors.catalogue_version)
def case_list(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    res = selectors.case_results(
        request.user,
        params,
        page=request.GET.get("page") or 1,
        page_size=_page_size(request),
        instances=False,
    )
    query = urlencode(params)
    return render(
        request,
        "doers/list.html",
        {
            "res": presenters.with_case_rows(res),
            "params": params,
            "query": query,
            "region": region_default(),
            "facets": presenters.facet_blocks(params, res.facets),
            "can_add": request.user.is_authenticated,
            "review_count": selectors.review_queue().count()
            if request.user.is_authenticated and services.can_publish(request.user)
            else None,
        },
    )


def _visible(request: HttpRequest, slug: str) -> Case:
    try:
        return selectors.case_detail(request.user, slug)
    except Case.DoesNotExist:
        raise Http404("no such case") from None


def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case = _visible(request, slug)
    return render(
        request,
        "doers/detail.html",
        {
            "case": case,
            "can_edit": services.can_edit(request.user, case)
            if request.user.is_authenticated
            else False,
            "can_publish": request.user.is_authenticated and services.can_publish(request.user),
        },
    )


def case_map(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    focus = request.GET.get("case", "")
    return render(
        request,
        "doers/map.html",
        {
            "params": params,
            "query": urlencode({**params, **({"case": focus} if focus else {})}),
            "focus": focus,
            "region": region_default(),
        },
    )


@public_page(selectors.catalogue_version)
def map_geojson(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        presenters.map_features(request.user, _params(request), focus=request.GET.get("case", ""))
    )


def _save(request: HttpRequest, form: CaseForm, case: Case | None) -> Case | None:
    """Run the service; problems are shown next to their fields (inline)."""
    try:
        data = form.service_data()
        if case is None:
            case = services.case_create(user=request.user, data=data)
        else:
            case = services.case_update(user=request.user, case=case, data=data)
        if form.cleaned_data.get("image"):
            services.case_image_add(
                user=request.user,
                case=case,
                image=form.cleaned_data["image"],
                caption=form.cleaned_data.get("image_caption", ""),
            )
    except InputError as e:
        for p in e.problems:
            form.add_error(
                p.field if p.field in form.fields else None,
                f"{problem_message(p)}" + (f" ({p.value})" if p.value is not None else ""),
            )
        return None
    return case


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    form = CaseForm(request.POST or None, request.FILES or None, user=request.user)
    if not getattr(form.fields["organisation"], "choices", None):  # no organisation to act for
        return render(request, "doers/no_org.html", status=403)
    if request.method == "POST" and form.is_valid():
        case = _save(request, form, None)
        if case is not None:
            messages.success(request, _("Saved as a draft."))
            return redirect("doers:detail", slug=case.slug)
    return render(
        request,
        "doers/form.html",
        {"form": form, "case": None},
        status=400 if request.method == "POST" else 200,
    )


def _editable(request: HttpRequest, slug: str) -> Case:
    case = _visible(request, slug)
    if not services.can_edit(request.user, case):
        raise PermissionDenied("only members of the case's organisation or staff edit it")
    return case


@login_required
def case_edit(request: HttpRequest, slug: str) -> HttpResponse:
    case = _editable(request, slug)
    form = CaseForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial=CaseForm.initial_for(case),
        case=case,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, case)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("doers:detail", slug=saved.slug)
    return render(
        request,
        "doers/form.html",
        {"form": form, "case": case},
        status=400 if request.method == "POST" else 200,
    )


#: The status changes a button posts (``send-back`` also posts the ``remark``).
ACTIONS = {
    "publish": services.case_publish,
    "unpublish": services.case_unpublish,
    "archive": services.case_archive,
    "submit": services.case_submit,
}


def _done(action: str) -> str | None:
    return {
        "publish": _("Approved: the case is public."),
        "submit": _("Submitted for review: a moderator will publish it or send it back."),
        "send-back": _("Sent back to the author with your remark."),
    }.get(action)


@login_required
@require_POST
def case_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    if action not in ACTIONS and action != "send-back":
        raise Http404(action)
    # its editors withdraw or submit a case; the services refuse everyone else the same way
    case = (
        _editable(request, slug) if action in ("unpublish", "submit") else _visible(request, slug)
    )
    try:
        if action == "send-back":
            services.case_send_back(
                user=request.user, case=case, remark=request.POST.get("remark", "")
            )
        else:
            ACTIONS[action](user=request.user, case=case)
    except InputError as e:
        messages.error(request, str(e))
    else:
        done = _done(action)
        if done:
            messages.success(request, done)
    if request.POST.get("next") == "review":
        return redirect("doers:review")
    return redirect("doers:detail", slug=slug)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """The drafts waiting for a moderator, the longest waiting first."""
    if not services.can_publish(request.user):
        raise PermissionDenied(_("Only catalogue moderators and administrators review drafts."))
    return render(
        request,
        "doers/review.html",
        {"cases": selectors.review_queue(), "max_remark": services.MAX_REMARK},
    )
