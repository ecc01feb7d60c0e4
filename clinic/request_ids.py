"""A request id for every request: on the response (X-Request-ID), on the error
pages, and on every log line written while the request is served, so that a
person quoting the id on an error page leads to its log lines (which name
records by id only, never patient data)."""

import contextvars
import logging
import re
import sys
import uuid

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

HEADER = "X-Request-ID"
# A proxy's id is kept when it looks like one (so its logs and ours agree);
# anything else, which could carry text into our logs, is replaced.
_PROXY_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
NO_REQUEST = "-"

current_request_id = contextvars.ContextVar("request_id", default=NO_REQUEST)

# How long a client should wait before trying again while the database is away
# (a restart takes a few seconds).
RETRY_AFTER_SECONDS = 5


def new_request_id(proposed: str = "") -> str:
    if _PROXY_ID.fullmatch(proposed):
        return proposed
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in the chain: the id exists before anything can fail or log. It
    stays current until the response is closed (`forget_request_id`), since
    Django logs a 4xx or 5xx answer after the last middleware has returned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = new_request_id(request.headers.get(HEADER, ""))
        request.request_id = request_id
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def forget_request_id(**kwargs) -> None:
    """On request_finished: what is logged later belongs to no request."""
    current_request_id.set(NO_REQUEST)


def install_log_record_factory() -> None:
    """Every log record carries `request_id` (NO_REQUEST outside a request),
    whichever logger or handler writes it."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "adds_request_id", False):
        return

    def record_with_request_id(*args, **kwargs):
        record = make_record(*args, **kwargs)
        record.request_id = current_request_id.get()
        return record

    record_with_request_id.adds_request_id = True
    logging.setLogRecordFactory(record_with_request_id)


class ClientErrorsWithoutTraceback(logging.Filter):
    """A 4xx answer's log line without the traceback Django attaches to it (a
    403 carried its PermissionDenied's): the request was refused as it should
    be; nothing in our code failed."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether the error is the database being away (restarting, unreachable),
    not a query that failed: that answers 503, try again shortly."""
    if isinstance(exc, InterfaceError | OperationalError):
        return True
    # psycopg's own connection errors, when Django has not wrapped them.
    return isinstance(exc, DatabaseError) and "connection" in type(exc).__name__.lower()


def server_error(request, *, exc: BaseException | None) -> HttpResponse:
    """The 500 page, or the 503 page while the database is away; both give the
    request id. Rendered without the request's context, so that neither the
    database nor the session is touched. (Django's request logger writes the
    line, with the id.)"""
    request_id = getattr(request, "request_id", current_request_id.get())
    unavailable = database_unavailable(exc)
    template, status = ("503.html", 503) if unavailable else ("500.html", 500)
    page = render_to_string(template, {"request_id": request_id})
    response = HttpResponse(page, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def handle_server_error(request) -> HttpResponse:
    """handler500: Django calls it while handling the exception, so the
    exception is the one being handled."""
    return server_error(request, exc=sys.exc_info()[1])
