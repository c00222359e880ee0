from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file (long template or one column per year)"))
    confirm = forms.BooleanField(
        label=_("Store implausible values anyway"),
        required=False,
        help_text=_(
            "Tick only after checking a refused value: one a thousand times larger or smaller "
            "than the stored values next to it, or one that rounds to 0 in an empty series."
        ),
    )


class DecideForm(forms.Form):
    """A second editor's decision on a batch waiting under the four-eyes rule."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(
        label=_("Reason (required to reject; the importer reads it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
