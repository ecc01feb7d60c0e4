"""What a load balancer asks: is the process up (/healthz), and can it serve
(/readyz: the database answers and every migration is applied). Neither needs a
login, and neither says more than "ok" or what is missing."""

from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# Migrations once seen applied stay applied for the life of the process (a
# deploy that adds some starts new processes); the database is asked each time.
_migrations_seen_applied = False


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain")


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return _text("ok")


def _pending_migrations(connection) -> bool:
    global _migrations_seen_applied
    if not _migrations_seen_applied:
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        _migrations_seen_applied = not executor.migration_plan(targets)
    return not _migrations_seen_applied


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = _pending_migrations(connection)
    except DatabaseError:
        return _text("database unavailable", status=503)
    if pending:
        return _text("migrations not applied", status=503)
    return _text("ready")
