"""A person's own pages: their profile (name, language, e-mails). Sign-in, password and e-mail
address pages are django-allauth's, under the same /accounts/ prefix."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from circulair.web.apps.accounts import services
from circulair.web.apps.accounts.forms import ProfileForm
from circulair.web.apps.organisations.selectors import organisations_of


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    prof = services.profile_of(request.user)
    form = ProfileForm(request.POST or None, instance=prof, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.profile_update(
            user=request.user,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            profile=form.save(commit=False),
        )
        translation.activate(prof.language)
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, prof.language, samesite="Lax")
        return response
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "organisations": organisations_of(request.user)},
    )
