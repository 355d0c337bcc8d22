"""Every model has an admin page with search and filters that staff can open."""

import pytest
from django.contrib import admin
from django.urls import reverse

from pilot import models as m

pytestmark = pytest.mark.django_db

MODELS = [getattr(m, name) for name in m.__all__]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_it_registers_every_model_with_search(model):
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_it_lets_staff_search_each_changelist(client, staff_user, participant, model):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    url = reverse(f"admin:pilot_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": "C001"})
    assert response.status_code == 200


def test_it_keeps_analysts_out_of_the_admin(client, analyst_user):
    client.force_login(analyst_user)
    response = client.get(reverse("admin:pilot_recipe_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
