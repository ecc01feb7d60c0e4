"""The benchmark's URLconf: the product's own URLs, plus the floor page.

The floor is the cheapest page a signed-in user can get: a login-protected view
that only says "ok". Every page's time is also shown as a multiple of it. It
lives here, never in the product's URLconf.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path

FLOOR_PATH = "/bench/floor/"


@login_required
def floor(request):
    return HttpResponse("ok")


urlpatterns = [
    path(FLOOR_PATH.strip("/") + "/", floor, name="bench_floor"),
    path("", include("clinic.urls")),
]
