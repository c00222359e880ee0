"""Forms of the organisation pages: invite a colleague, accept an invitation, ask to join, set
a member's role, grant a platform role."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from circulair.web.apps.common.permissions import Role
from circulair.web.apps.organisations.models import OrgRole


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=OrgRole.choices, initial=OrgRole.MEMBER)
    language = forms.ChoiceField(
        label=_("Language of the e-mail"), choices=settings.LANGUAGES, initial="nl"
    )


class AcceptForm(forms.Form):
    """A new account for the invited address: the person chooses a name and a password."""

    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the owners (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=OrgRole.choices)


class PlatformRoleForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.value) for r in Role])
    granted = forms.TypedChoiceField(
        label=_("Grant or take away"),
        choices=[("1", _("grant")), ("0", _("take away"))],
        coerce=lambda v: v == "1",
    )
