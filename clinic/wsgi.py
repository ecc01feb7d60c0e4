import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

application = get_wsgi_application()


def freeze_startup_heap() -> None:
    """Import every view (through the URLconf), then hide all that is alive from
    the garbage collector (gc.freeze). Modules, URL patterns, forms and admin
    classes live as long as the process; left in view, every full collection
    walks them all again, a pause that comes the more often the more garbage a
    page makes, so a page of 50 rows paid for the process's size, not its rows.
    A page's own garbage is collected as before."""
    get_resolver().url_patterns  # noqa: B018 (the import is the point)
    gc.freeze()


freeze_startup_heap()
