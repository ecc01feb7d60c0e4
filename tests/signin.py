"""The one way tests, the browser tests and the benchmark sign in past the second
factor (CLINIC_REQUIRE_2FA stays on): a confirmed authenticator for the user,
and either its session marked as having passed it (a test client) or its
current code (a person typing it, in the browser)."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

TEST_AUTHENTICATOR = "test authenticator"


def authenticator_for(user) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name=TEST_AUTHENTICATOR, defaults={"confirmed": True}
    )
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the user's phone would show now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def pass_second_factor(client: Client, user) -> None:
    """For a client already signed in as the user: its session has passed the
    second factor, as django_otp.login records it."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
    session.save()


class SignedInClient(Client):
    """The test client whose force_login passes the second factor too."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        pass_second_factor(self, user)
