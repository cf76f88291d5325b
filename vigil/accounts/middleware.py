"""Session idle timeout and the second-factor requirement."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from vigil.core.permissions import second_factor_missing

_LAST_SEEN = "vigil_last_seen"
# Touch the session at most once a minute, so reading pages does not mean writing rows.
_TOUCH_EVERY_SECONDS = 60


class SessionIdleTimeoutMiddleware:
    """Log out a session that has been idle longer than VIGIL_SESSION_IDLE_MINUTES."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN)
            if last_seen is not None and now - int(last_seen) > settings.VIGIL_SESSION_IDLE_SECONDS:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(
                    request,
                    "Your session expired after a period of inactivity. Please sign in again.",
                )
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - int(last_seen) >= _TOUCH_EVERY_SECONDS:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


_OPEN_PATHS = ("/static/", "/healthz", "/api/")


class TwoFactorRequiredMiddleware:
    """Users in roles that require TOTP reach only the 2FA pages until they have verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(_OPEN_PATHS) and second_factor_missing(request.user):
            allowed = {
                reverse("accounts:two_factor"),
                reverse("accounts:logout"),
            }
            if request.path not in allowed:
                target = reverse("accounts:two_factor")
                return HttpResponseRedirect(
                    f"{target}?{urlencode({'next': request.get_full_path()})}"
                )
        return self.get_response(request)
