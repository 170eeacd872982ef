"""Every field of the profile form is on the page: a field the form has and the page leaves out is
emptied by every save (a school's 「党员教师」 could not be set, and kl's 「党员职工」 was erased
when its secretary saved the profile)."""

import re

import pytest
from django.urls import reverse

from reports.forms import BranchProfileForm
from reports.models import BranchProfile

pytestmark = pytest.mark.django_db


def test_the_page_shows_every_field_of_the_form_and_a_save_keeps_what_it_holds(world, as_user):
    BranchProfile.objects.update_or_create(branch=world.branch, defaults={"member_term": "党员职工"})
    client = as_user(world.secretary)
    url = reverse("reports:branch_profile", args=[world.branch.code])

    page = client.get(url).content.decode()

    names = set(re.findall(r'name="([a-z_0-9]+)"', page))
    assert set(BranchProfileForm.Meta.fields) <= names
    assert 'value="党员职工"' in page
