"""Every user changes their own password; one the administrator set is changed at once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from klientstod.models import Role, User

from .factories import PASSWORD

NEW_PASSWORD = "ett-eget-långt-lösenord-2026"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_role_changes_their_own_password(role, role_clients, users):
    http = role_clients[role]
    page = http.get(reverse("password_change"))
    assert page.status_code == 200
    assert "Byt lösenord" in page.content.decode()
    # The menu of every page links to it.
    assert (
        reverse("password_change") in http.get(reverse("klientstod:accessibility")).content.decode()
    )
    wrong = http.post(
        reverse("password_change"),
        {"old_password": "inte-mitt", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "old_password" in wrong.context["form"].errors
    short = http.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "kort1", "new_password2": "kort1"},
    )
    assert "new_password2" in short.context["form"].errors
    response = http.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "Ditt lösenord är bytt" in response.content.decode()
    user = User.objects.get(pk=users[role].pk)
    assert user.check_password(NEW_PASSWORD)
    # Still logged in (with the second factor) after the change.
    assert http.get(reverse("password_change")).status_code == 200


@pytest.mark.django_db
def test_a_password_the_administrator_set_must_be_changed_first(users, case):
    from .conftest import verified_device
    from .test_login import code

    coordinator = users[Role.COORDINATOR]
    coordinator.must_change_password = True
    coordinator.save()
    device = verified_device(coordinator)
    http = Client()
    http.post(reverse("login"), {"username": coordinator.username, "password": PASSWORD})
    # The second factor first: the password alone does not let anyone replace it.
    response = http.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor"))
    http.post(reverse("two-factor"), {"token": code(device)})
    for path in ("/", reverse("klientstod:case-detail", args=[case.pk]), "/admin/"):
        response = http.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("password_change"), path
    page = http.get(reverse("password_change")).content.decode()
    assert "Administratören har satt ditt lösenord" in page
    # Logging out, the health check and the accessibility statement stay open.
    assert http.get(reverse("klientstod:health")).status_code == 200
    assert http.get(reverse("klientstod:accessibility")).status_code == 200
    http.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    coordinator.refresh_from_db()
    assert not coordinator.must_change_password
    assert http.get(reverse("klientstod:case-detail", args=[case.pk])).status_code == 200


@pytest.mark.django_db
def test_a_role_without_second_factor_is_sent_to_change_it_straight_after_the_password(users):
    evaluator = users[Role.EVALUATOR]
    evaluator.must_change_password = True
    evaluator.save()
    http = Client()
    response = http.post(
        reverse("login"), {"username": evaluator.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("password_change")
    assert http.post(reverse("logout")).status_code == 302


@pytest.mark.django_db
def test_a_user_the_administrator_creates_must_change_the_password(admin_client_, process):
    response = admin_client_.post(
        reverse("admin:klientstod_user_add"),
        {
            "username": "ny.samordnare",
            "usable_password": "true",
            "password1": "ett-tillfälligt-lösenord-7",
            "password2": "ett-tillfälligt-lösenord-7",
            "role": Role.COORDINATOR,
            "processes": [process.pk],
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(username="ny.samordnare").must_change_password


@pytest.mark.django_db
def test_a_password_the_administrator_sets_must_be_changed(admin_client_, users):
    referrer = users[Role.REFERRER]
    assert not referrer.must_change_password
    response = admin_client_.post(
        reverse("admin:auth_user_password_change", args=[referrer.pk]),
        {
            "usable_password": "true",
            "password1": "ett-tillfälligt-lösenord-8",
            "password2": "ett-tillfälligt-lösenord-8",
        },
    )
    assert response.status_code == 302
    referrer.refresh_from_db()
    assert referrer.must_change_password
    assert referrer.check_password("ett-tillfälligt-lösenord-8")
    # The administrator cannot clear it: only the user's own change does.
    page = admin_client_.get(reverse("admin:klientstod_user_change", args=[referrer.pk]))
    assert 'name="must_change_password"' not in page.content.decode()


@pytest.mark.django_db
def test_the_user_s_own_change_in_the_admin_menu_is_not_a_way_round(users):
    """The admin's own password page is not open while a change is due; ours is."""
    admin = users[Role.ADMIN]
    admin.must_change_password = True
    admin.save()
    http = Client()
    http.force_login(admin)
    response = http.get(reverse("admin:password_change"))
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")
