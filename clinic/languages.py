"""The interface language: each signed-in user's own (User.language), chosen on
their language page. Pages nobody is signed in to (sign-in, password reset) are in
the clinic's default language, LANGUAGE_CODE: the browser's Accept-Language is not
read, so a shared front-desk machine always opens the same way."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from clinic.models import User


def user_language(user) -> str:
    """The signed-in user's language, or the clinic's for anyone else."""
    choice = getattr(user, "language", "") if user.is_authenticated else ""
    return choice if choice in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: each request in its user's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = user_language(request.user)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class LanguageForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["language"]
        widgets = {"language": forms.RadioSelect}


@login_required
@require_http_methods(["GET", "POST"])
def language_settings(request: HttpRequest) -> HttpResponse:
    """Any signed-in user chooses the language of their own pages."""
    form = LanguageForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # The message is read on the next page, which is in the new language.
        with translation.override(user.language):
            messages.success(
                request,
                gettext("Your pages are now in %(language)s.")
                % {"language": user.get_language_display()},
            )
        return redirect("language_settings")
    return render(request, "clinic/language_settings.html", {"form": form})
