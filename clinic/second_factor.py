"""The second factor of every sign-in (django-otp): a code from an authenticator
app (TOTP), or one of ten single-use recovery codes.

With CLINIC_REQUIRE_2FA on, a signed-in user who has not passed the second
factor in this session reaches only these pages (and signing out): the first
time, they enrol an authenticator; afterwards they enter its code. A code is
accepted once (django-otp keeps the last time step used), and each device
slows down guessing after every wrong code (its throttling)."""

from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, user_has_device
from django_otp import login as pass_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery codes"
# Reachable before the second factor: its own pages, signing out, the health checks.
OPEN_URL_NAMES = ("second_factor", "second_factor_enrol", "logout", "login")
OPEN_PATHS = ("/healthz", "/readyz")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_(
            "The 6 digits your authenticator app shows (or, signing in, a "
            "recovery code)."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text"}
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).lower()


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _verify(request: HttpRequest, code: str, devices) -> str:
    """ "" when a device accepted the code (and is now this session's), else why
    not."""
    throttled = False
    for device in devices:
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            throttled = True
            continue
        if device.verify_token(code):
            pass_device(request, device)
            return ""
    if throttled:
        return gettext(
            "Too many wrong codes: wait a minute, then enter the current code."
        )
    return gettext(
        "That code is not right, or was already used. Enter the current code."
    )


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next(request))
    if not user_has_device(request.user):
        query = urlencode({"next": _next(request)})
        return redirect(f"{reverse('second_factor_enrol')}?{query}")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        problem = _verify(
            request, form.cleaned_data["code"], devices_for_user(request.user)
        )
        if not problem:
            return redirect(_next(request))
        form.add_error("code", problem)
    return render(
        request,
        "registration/second_factor.html",
        {"form": form, "next": _next(request)},
    )


def _unconfirmed_authenticator(user) -> TOTPDevice:
    """The authenticator being enrolled: the same secret on every reload of the
    page until a code confirms it."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": AUTHENTICATOR}
    )
    return device


@transaction.atomic
def _confirm(user, device: TOTPDevice) -> list[str]:
    """The authenticator confirmed, with a new set of recovery codes (shown once)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=recovery, token=code) for code in codes
    )
    return codes


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    if user_has_device(request.user):
        return redirect(
            f"{reverse('second_factor')}?{urlencode({'next': _next(request)})}"
        )
    device = _unconfirmed_authenticator(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        problem = _verify(request, form.cleaned_data["code"], [device])
        if not problem:
            codes = _confirm(request.user, device)
            messages.success(request, gettext("Your authenticator is set up."))
            return render(
                request,
                "registration/recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error("code", problem)
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "registration/second_factor_enrol.html",
        {
            "form": form,
            "next": _next(request),
            "qr_data_uri": qr.svg_data_uri(scale=4),
            "secret": _grouped(device.config_url),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


def _grouped(config_url: str) -> str:
    """The secret from the set-up address, in groups of four, to type by hand."""
    secret = config_url.split("secret=", 1)[1].split("&", 1)[0]
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class RequireSecondFactorMiddleware:
    """After OTPMiddleware: with CLINIC_REQUIRE_2FA on, a signed-in user who
    has not passed the second factor is sent to it from any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.CLINIC_REQUIRE_2FA:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if (match and match.url_name in OPEN_URL_NAMES and not match.namespace) or (
            request.path in OPEN_PATHS
        ):
            return None
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('second_factor')}?{query}")
