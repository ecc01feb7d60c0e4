"""Each log line is printed once, and a refused request (4xx) is one line
without a traceback; a fault keeps its traceback."""

import logging
import sys

from django.core.exceptions import PermissionDenied

from clinic.request_ids import ClientErrorsWithoutTraceback


def handlers_reached(name: str) -> list[logging.Handler]:
    """Every handler a record of logger `name` is given, as logging walks up
    (but pytest's own, which capture output under test)."""
    reached, logger = [], logging.getLogger(name)
    while logger:
        reached += logger.handlers
        logger = logger.parent if logger.propagate else None
    return [h for h in reached if not type(h).__module__.startswith("_pytest")]


def console() -> logging.Handler:
    (handler,) = handlers_reached("")
    return handler


def test_a_request_line_reaches_one_console_only():
    for name in ("django.request", "django.security.csrf", "clinic.access_export"):
        assert handlers_reached(name) == [console()], name


def record(status_code: int | None) -> logging.LogRecord:
    try:
        raise PermissionDenied
    except PermissionDenied:
        exc_info = sys.exc_info()
    made = logging.getLogRecordFactory()(
        "django.request", logging.WARNING, __file__, 1, "Forbidden: /x", (), exc_info
    )
    if status_code is not None:
        made.status_code = status_code
    return made


def formatted(made: logging.LogRecord) -> str:
    handler = console()
    assert handler.filter(made)
    return handler.format(made)


def test_a_refused_request_is_one_line_without_traceback():
    line = formatted(record(403))
    assert "Forbidden: /x" in line
    assert "Traceback" not in line and "\n" not in line


def test_a_fault_keeps_its_traceback():
    assert "Traceback" in formatted(record(500))
    assert "Traceback" in formatted(record(None))


def test_the_filter_is_on_the_console():
    assert any(isinstance(f, ClientErrorsWithoutTraceback) for f in console().filters)
