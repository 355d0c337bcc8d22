"""Forms of the staff study pages: a study with its arms, enrolment, a preview."""

from django import forms

from pilot.batches.studies import WEEKDAYS
from pilot.models import ModelVersion


class StudyForm(forms.Form):
    key = forms.SlugField(max_length=60, help_text="Stable: arm assignment hashes it.")
    name = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    weekday = forms.ChoiceField(choices=[(k, k.title()) for k in WEEKDAYS], initial="mon")
    send_time = forms.TimeField(initial="09:00", widget=forms.TimeInput(attrs={"type": "time"}))
    timezone = forms.CharField(max_length=64, initial="Europe/London")
    window_days = forms.IntegerField(min_value=1, max_value=60, initial=5)
    remind_after_days = forms.IntegerField(min_value=1, max_value=59, initial=3)


class ArmForm(forms.Form):
    label = forms.CharField(max_length=60, required=False)
    version = forms.ModelChoiceField(
        queryset=ModelVersion.objects.exclude(artifact="").order_by("-created_at"),
        required=False,
    )
    batch_size = forms.IntegerField(min_value=1, max_value=50, initial=10, label="Recipes (K)")
    weight = forms.FloatField(min_value=0, initial=1.0)


ArmFormSet = forms.formset_factory(ArmForm, extra=3, max_num=8)


class EnrolForm(forms.Form):
    WHO = [("all", "Everyone in the CRM"), ("segment", "A segment"), ("list", "An uploaded list")]
    who = forms.ChoiceField(choices=WHO, widget=forms.RadioSelect, initial="all")
    region = forms.CharField(max_length=64, required=False)
    age_band = forms.CharField(max_length=8, required=False)
    restriction = forms.CharField(max_length=32, required=False)
    customers = forms.FileField(required=False, help_text="CSV with a customer_id column")
    dry_run = forms.BooleanField(required=False, label="Only report what would happen")
