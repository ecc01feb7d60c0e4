"""The second factor of every sign-in: enrolment of an authenticator with ten
recovery codes, a code accepted once, guessing slowed down, every page (the
admin too) closed until it is passed, and a lost device reset by a superuser."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.second_factor import RECOVERY_CODES
from tests.clinic.test_settings import run_python
from tests.factories import UserFactory
from tests.signin import authenticator_for, current_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory
STEP = reverse("second_factor")


def password_only(user) -> Client:
    """Signed in with the password through the sign-in page; second step to go."""
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def enter(client: Client, code: str, url: str = STEP, **query):
    return client.post(url, {"code": code, **query})


@pytest.fixture
def neurologist_with_phone(neurologist):
    return neurologist, authenticator_for(neurologist)


def test_every_page_waits_for_the_second_factor(neurologist_with_phone):
    user, _ = neurologist_with_phone
    client = password_only(user)
    for address in (
        reverse("home"),
        reverse("patients:patient_list"),
        reverse("admin:index"),
    ):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(f"{STEP}?next="), address
    assert client.get(reverse("healthz")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_current_code_opens_the_page_asked_for(neurologist_with_phone):
    user, device = neurologist_with_phone
    client = password_only(user)
    asked = reverse("patients:patient_list")
    response = enter(client, current_code(device), next=asked)
    assert response.status_code == 302 and response["Location"] == asked
    assert client.get(asked).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_code_is_accepted_once(neurologist_with_phone):
    user, device = neurologist_with_phone
    code = current_code(device)
    assert enter(password_only(user), code).status_code == 302
    replay = enter(password_only(user), code)
    assert replay.status_code == 200
    assert "already used" in replay.context["form"].errors["code"][0]


def test_guessing_is_slowed_down(neurologist_with_phone):
    user, device = neurologist_with_phone
    client = password_only(user)
    wrong = enter(client, "000000" if current_code(device) != "000000" else "111111")
    assert "not right" in wrong.context["form"].errors["code"][0]
    # Right after a wrong code even the right one must wait.
    right = enter(client, current_code(device))
    assert right.status_code == 200
    assert "Too many wrong codes" in right.context["form"].errors["code"][0]
    assert client.get(reverse("home")).status_code == 302


def test_a_first_sign_in_enrols_an_authenticator_and_shows_recovery_codes(
    neurologist,
):
    client = password_only(neurologist)
    response = client.get(STEP)
    enrol = reverse("second_factor_enrol")
    assert response["Location"].startswith(enrol)
    page = client.get(enrol)
    assert page.context["qr_data_uri"].startswith("data:image/svg+xml")
    assert page.context["secret"]
    device = TOTPDevice.objects.get(user=neurologist, confirmed=False)
    # Reloading the page keeps the same secret.
    assert client.get(enrol).context["secret"] == page.context["secret"]
    wrong = enter(client, "12345", url=enrol)
    assert wrong.status_code == 200 and wrong.context["form"].errors["code"]
    device.refresh_from_db()
    device.throttle_reset()
    shown = enter(client, current_code(device), url=enrol)
    assert shown.status_code == 200
    codes = shown.context["codes"]
    assert len(codes) == len(set(codes)) == RECOVERY_CODES
    for code in codes:
        assert code in shown.content.decode()
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_works_once(neurologist_with_phone):
    user, _ = neurologist_with_phone
    recovery = StaticDevice.objects.create(user=user, name="recovery codes")
    StaticToken.objects.create(device=recovery, token="abcd2345")
    assert enter(password_only(user), "ABCD 2345").status_code == 302
    again = enter(password_only(user), "abcd2345")
    assert again.status_code == 200
    assert not StaticToken.objects.filter(device=recovery).exists()


def test_a_next_address_elsewhere_is_not_followed(neurologist_with_phone):
    user, device = neurologist_with_phone
    response = enter(
        password_only(user), current_code(device), next="https://elsewhere.example/"
    )
    assert response["Location"] == reverse("home")


def test_with_the_requirement_off_the_password_is_enough(neurologist, settings):
    settings.CLINIC_REQUIRE_2FA = False
    assert password_only(neurologist).get(reverse("home")).status_code == 200


@pytest.mark.parametrize(("debug", "required"), [("0", "True"), ("1", "False")])
def test_the_requirement_is_on_whenever_debug_is_off(debug, required):
    result = run_python(
        "import clinic.settings as s; print(s.CLINIC_REQUIRE_2FA)",
        DJANGO_DEBUG=debug,
        DJANGO_SECRET_KEY="x",
    )
    assert result.stdout.strip() == required, result.stderr


def test_a_superuser_resets_a_lost_device(client, superuser, neurologist_with_phone):
    user, _ = neurologist_with_phone
    StaticDevice.objects.create(user=user, name="recovery codes")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:clinic_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [user.pk]},
        follow=True,
    )
    assert "Second factor reset for 1 user" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    # The next sign-in enrols a new authenticator.
    assert (
        password_only(user)
        .get(STEP)["Location"]
        .startswith(reverse("second_factor_enrol"))
    )


def test_only_a_superuser_is_offered_the_reset(client, clinic_admin):
    client.force_login(clinic_admin)
    other = UserFactory()
    authenticator_for(other)
    response = client.post(
        reverse("admin:clinic_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [other.pk]},
    )
    assert response.status_code in (200, 302, 403)
    assert TOTPDevice.objects.filter(user=other).exists()
