"""Sign-in throttling beside django-axes.

Axes locks a username at one address after AXES_FAILURE_LIMIT failures (one
person's typos at a clinic's shared address lock out only that person there).
It counts one set of parameters against one limit, so the second rule, a
username locked after CLINIC_USERNAME_FAILURE_LIMIT failures from any address
(guessing spread over many addresses), is this backend's, counted from the same
attempts table within the same cool-off. Unknown usernames are counted and
locked alike, so a lockout says nothing about which accounts exist."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

# Too Many Requests: the sign-in is refused for now, not for good.
LOCKED_OUT_STATUS = 429


def client_ip(request) -> str:
    """The address a sign-in came from: behind the TLS proxy (which appends the
    address it saw to X-Forwarded-For) the last address there, else the peer's.
    Addresses a client put earlier in the header are its own claim: ignored."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")


def username_failures(username: str) -> int:
    """Failed sign-ins for the username from every address, within the cool-off."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class UsernameLockoutBackend:
    """Refuses a sign-in for a username with too many recent failures from any
    address; authenticates no one (the next backend does), so it has no
    get_user: a session is never this backend's. Refused like an axes
    lockout: the same page, and the attempt counted as one more failure."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not username:
            return None
        if username_failures(username) >= settings.CLINIC_USERNAME_FAILURE_LIMIT:
            # AxesMiddleware answers a request so marked with the lockout page.
            request.axes_locked_out = True
            raise PermissionDenied
        return None


def locked_out(request, response=None, credentials=None) -> HttpResponse:
    """The page for a refused sign-in (AXES_LOCKOUT_CALLABLE): the same for
    every username, known or not, and for either rule."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes},
        status=LOCKED_OUT_STATUS,
    )
