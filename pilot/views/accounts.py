"""Home, staff/analyst login, and pilot users' one-time sign-in links (docs/roles.md)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from pilot import access, signin
from pilot.jobs import enqueue, renew_signin_link_job, request_signin_link_job

BACKEND = "django.contrib.auth.backends.ModelBackend"


class LinkRequestForm(forms.Form):
    email = forms.EmailField(label="Your e-mail address", max_length=254)


def home(request):
    """Send each role to its place; anonymous visitors get the landing page."""
    user = request.user
    if access.is_staff(user):
        return redirect("staff-home")
    if access.is_analyst(user):
        return redirect("dashboard-home")
    if access.is_participant(user):
        return redirect("my-weeks")
    return render(request, "accounts/landing.html", {"form": LinkRequestForm()})


def _next(request) -> str:
    return signin.safe_next_url(request.POST.get("next") or request.GET.get("next", ""))


@require_http_methods(["GET", "POST"])
def request_link(request):
    """Ask for a new sign-in link; the answer never tells whether the address is known.

    Nothing is looked up here: a job does it after the response, so a known address takes
    no longer to answer than an unknown one.
    """
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        next_url = _next(request)
        transaction.on_commit(lambda: enqueue(request_signin_link_job, email, next_url))
        return redirect("signin-sent")
    context = {"form": form, "next": _next(request), "signed_out": "next" in request.GET}
    return render(request, "accounts/landing.html", context)


def link_sent(request):
    return render(request, "accounts/link_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def signin_link(request, token):
    """GET shows a confirm button (mail scanners prefetch links); POST uses the link up."""
    try:
        link = signin.redeem(token) if request.method == "POST" else signin.check(token)
    except signin.SignInLinkError as error:
        return _link_invalid(request, token, error)

    if request.method == "GET":
        other = request.user if request.user.is_authenticated else None
        if other is not None and other.pk == link.user_id:
            other = None
        return render(
            request,
            "accounts/link_confirm.html",
            {"link": link, "token": token, "other_user": other},
        )

    login(request, link.user, backend=BACKEND)
    messages.success(request, "You are signed in.")
    return redirect(signin.safe_next_url(link.next_url, request.get_host()) or "home")


def _link_invalid(request, token, error):
    can_renew = error.reason in ("expired", "used") and signin.owner_of(token) is not None
    context = {
        "reason": error.reason,
        "token": token if can_renew else "",
        "form": LinkRequestForm(),
    }
    status = 410 if error.reason in ("expired", "used") else 400
    return render(request, "accounts/link_invalid.html", context, status=status)


@require_http_methods(["GET", "POST"])
def renew_link(request):
    """From the "link no longer works" page: e-mail a fresh link to the link's owner.

    A GET (a bookmarked or retyped address) goes to the form that asks for a link.
    """
    if request.method == "GET":
        return redirect("signin-request")
    token = request.POST.get("token", "")
    transaction.on_commit(lambda: enqueue(renew_signin_link_job, token))
    return redirect("signin-sent")


def locked_out(request, response=None, credentials=None):
    """django-axes' answer to a login while a username and address are locked out."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        "username": username,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
    }
    return render(request, "accounts/locked_out.html", context, status=429)


login_view = auth_views.LoginView.as_view(
    template_name="accounts/login.html", redirect_authenticated_user=True
)
logout_view = auth_views.LogoutView.as_view()

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", login_view, name="login"),
    path("accounts/logout/", logout_view, name="logout"),
    path("signin/", request_link, name="signin-request"),
    path("signin/sent/", link_sent, name="signin-sent"),
    path("signin/renew/", renew_link, name="signin-renew"),
    path("signin/<str:token>/", signin_link, name="signin-link"),
]
