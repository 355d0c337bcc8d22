"""Response headers every page gets without asking (docs/security.md).

Two middlewares, so a new page is covered the moment it exists:

* :class:`PrivatePagesMiddleware`: any response to a signed-in user is
  ``Cache-Control: private, no-store`` (Django's ``add_never_cache_headers``), unless the
  view chose its own ``Cache-Control``. Every page behind the ``pilot.access`` decorators
  is for a signed-in user, so every page that shows a person's data is covered.
* :class:`ContentSecurityPolicyMiddleware`: django-csp's middleware with the policy in
  ``settings.CONTENT_SECURITY_POLICY`` (scripts and styles only from this site: no inline
  script, no inline style, no ``eval``). The django-rq dashboard, a third-party staff page
  with inline scripts and styles, gets ``'unsafe-inline'`` for those and nothing else.
"""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.utils.cache import add_never_cache_headers

#: URL prefixes of third-party pages whose templates carry inline scripts and styles.
THIRD_PARTY_INLINE_PREFIXES = ("/admin/django_rq/",)


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp, plus inline code for the few third-party pages that need it."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(THIRD_PARTY_INLINE_PREFIXES):
            inline = {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE]}
            parts.update = {**(parts.update or {}), **inline}
        return parts
