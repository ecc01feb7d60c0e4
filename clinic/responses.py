"""What every page the application answers says to the browser: keep no copy of
it (pages show patient data, and a shared clinic computer's cache or back button
must not show it to the next person), and use no camera, microphone or location.

Static files never reach this middleware: WhiteNoise answers them earlier in the
chain, with their own long-lived caching."""

from django.utils.cache import add_never_cache_headers

# The browser features a case management page never needs.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "display-capture",
    )
)


class PrivateResponsesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
