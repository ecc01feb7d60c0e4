"""How long a signed-in session lasts: it ends after CLINIC_IDLE_MINUTES without
a request (a clinic computer left signed in) and CLINIC_SESSION_MAX_HOURS after
signing in, whatever happens.

Nobody loses a form to it: typing keeps the session alive (static
clinic/session.js asks `keep_alive` at most once a minute), the page warns two
minutes before the end, and a form sent after the end is kept: after signing in
again, as the same user, the same page opens with what was typed filled back in
(never for another user: it may hold another person's patient)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
KEPT_FORM = "kept_form"
# The last-seen time is written at most this often: one session write a minute,
# not one per request.
TOUCH_EVERY_SECONDS = 60
# Fields never kept: the tokens belong to the page they came from.
NOT_KEPT = {"csrfmiddlewaretoken", "form_token"}


def idle_seconds() -> int:
    return settings.CLINIC_IDLE_MINUTES * 60


def mark_signed_in(sender, request, user, **kwargs) -> None:
    """On user_logged_in (connected in clinic/apps.py): both clocks start."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


def _ended(session, now: int) -> bool:
    signed_in = session.get(SIGNED_IN_AT, now)
    last_seen = session.get(LAST_SEEN, now)
    return (
        now - last_seen > idle_seconds()
        or now - signed_in > settings.CLINIC_SESSION_MAX_HOURS * 3600
    )


def _keep_form(request: HttpRequest, username: str) -> None:
    """The form that arrived too late, for the same user's next sign-in."""
    fields = {
        name: request.POST.getlist(name)
        for name in request.POST
        if name not in NOT_KEPT
    }
    request.session[KEPT_FORM] = {
        "username": username,
        "path": request.path,
        "fields": fields,
    }


class SessionLimitsMiddleware:
    """After AuthenticationMiddleware: signs out a session past its limits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            if _ended(request.session, now):
                return self._sign_out(request, user.get_username())
            if now - request.session.get(LAST_SEEN, 0) >= TOUCH_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)

    def _sign_out(self, request, username: str) -> HttpResponse:
        posted = request.method == "POST"
        logout(request)
        if posted:
            _keep_form(request, username)
        messages.info(
            request,
            gettext(
                "You were signed out after a while without activity. Sign in "
                "again: what you sent is kept and filled back in."
            )
            if posted
            else gettext(
                "You were signed out after a while without activity. Sign in again."
            ),
        )
        query = urlencode({"next": request.path if posted else request.get_full_path()})
        return redirect(f"{reverse('login')}?{query}")


def kept_form(request: HttpRequest) -> dict:
    """Context processor: the session's idle limit for the page's script, and
    the form kept for this user and this page (once)."""
    context = {"idle_seconds": idle_seconds()}
    kept = request.session.get(KEPT_FORM) if hasattr(request, "session") else None
    if not kept or request.method != "GET" or not request.user.is_authenticated:
        return context
    if kept["username"] != request.user.get_username():
        request.session.pop(KEPT_FORM, None)  # another person: never shown
        return context
    if kept["path"] != request.path:
        return context
    request.session.pop(KEPT_FORM, None)
    return {**context, "kept_form": kept["fields"]}


@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """Asked by the page while someone types: the session's clock restarts
    (SessionLimitsMiddleware touched it); says how long it now has."""
    request.session[LAST_SEEN] = int(time.time())
    return JsonResponse({"idle_seconds": idle_seconds()})
