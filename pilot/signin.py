"""One-time sign-in links for pilot users (see docs/roles.md).

A link is ``{SITE_URL}/signin/<token>/``. The token is ``django.core.signing.dumps`` of a
random nonce (salted, timestamped, signed with ``SECRET_KEY``); the nonce names one
:class:`~pilot.models.SignInLink` row, which records when the link expires and when it was
used. A link works once: :func:`redeem` marks the row used with a conditional UPDATE
(``... WHERE used_at IS NULL``), so two requests racing with the same link cannot both win.

Links are for pilot users only: staff and analysts sign in with a password, so a stolen
e-mail can never open the staff pages or the admin.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from pilot.access import ANALYST_GROUP, STAFF_GROUP
from pilot.models import Participant, SignInLink

SALT = "pilot.signin-link"
#: At most this many links are created for one user in :data:`RATE_WINDOW`; requests beyond
#: it are silently dropped (the form answers the same thing either way).
MAX_LINKS_PER_WINDOW = 3
RATE_WINDOW = timedelta(hours=1)


class SignInLinkError(Exception):
    """A sign-in link that cannot be used; the subclasses say why."""

    reason = "invalid"


class LinkInvalid(SignInLinkError):
    """The token is not one we signed (tampered, truncated) or names no link."""

    reason = "invalid"


class LinkExpired(SignInLinkError):
    """The link is authentic but older than ``SIGNIN_LINK_MAX_AGE_HOURS``."""

    reason = "expired"


class LinkUsed(SignInLinkError):
    """The link is authentic but has already been used once."""

    reason = "used"


class NotAPilotUser(ValueError):
    """Sign-in links are only for pilot users, never for staff, analysts or admins."""


def max_age() -> timedelta:
    return timedelta(hours=settings.SIGNIN_LINK_MAX_AGE_HOURS)


def may_use_links(user) -> bool:
    """True for an active pilot user who holds no staff, analyst or admin rights."""
    if not user.is_active or user.is_staff or user.is_superuser:
        return False
    if user.groups.filter(name__in=[STAFF_GROUP, ANALYST_GROUP]).exists():
        return False
    return user.participations.exists()


def safe_next_url(next_url: str, host: str | None = None) -> str:
    """``next_url`` if it is a path on this site (or on ``host``), else ``""``."""
    allowed = {host} if host else set()
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts=allowed):
        return next_url
    return ""


def create_signin_link(user, next_url: str = "") -> str:
    """Create a one-time link for ``user`` and return its absolute URL (on ``SITE_URL``).

    ``next_url`` is where the user lands after signing in; anything but a local path is
    dropped. Raises :class:`NotAPilotUser` for staff, analysts, admins and users with no
    participation.
    """
    if not may_use_links(user):
        raise NotAPilotUser(f"{user} is not a pilot user; staff and analysts use a password.")
    nonce = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        user=user,
        nonce=nonce,
        next_url=safe_next_url(next_url),
        expires_at=timezone.now() + max_age(),
    )
    token = signing.dumps({"n": nonce}, salt=SALT, compress=False)
    return settings.SITE_URL + reverse("signin-link", args=[token])


def create_signin_links(requests) -> dict[int, str]:
    """Many links at once: ``[(user, next_url), ...]`` -> ``{user id: url}``.

    The same rules as :func:`create_signin_link`, checked with a few queries for all users
    (the weekly e-mails make thousands); users who may not use links are left out.
    """
    requests = list(requests)
    ids = [user.pk for user, _ in requests]
    allowed = set(
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True, is_staff=False, is_superuser=False)
        .exclude(groups__name__in=[STAFF_GROUP, ANALYST_GROUP])
        .filter(participations__isnull=False)
        .values_list("pk", flat=True)
    )
    expires = timezone.now() + max_age()
    rows, urls = [], {}
    for user, next_url in requests:
        if user.pk not in allowed:
            continue
        nonce = secrets.token_urlsafe(32)
        rows.append(
            SignInLink(user=user, nonce=nonce, next_url=safe_next_url(next_url), expires_at=expires)
        )
        token = signing.dumps({"n": nonce}, salt=SALT, compress=False)
        urls[user.pk] = settings.SITE_URL + reverse("signin-link", args=[token])
    SignInLink.objects.bulk_create(rows)
    return urls


def _load(token: str, *, check_age: bool) -> SignInLink:
    max_age_seconds = max_age().total_seconds() if check_age else None
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age_seconds)
    except signing.SignatureExpired:
        raise LinkExpired("This sign-in link has expired.") from None
    except signing.BadSignature:
        raise LinkInvalid("This sign-in link is not valid.") from None
    nonce = payload.get("n") if isinstance(payload, dict) else None
    link = SignInLink.objects.select_related("user").filter(nonce=nonce).first()
    if nonce is None or link is None:
        raise LinkInvalid("This sign-in link is not valid.")
    return link


def check(token: str) -> SignInLink:
    """The link ``token`` names, if it can still be used; raises a :class:`SignInLinkError`.

    Does not use the link up: the confirm page calls this on GET so that mail scanners which
    fetch every link in an e-mail do not burn it.
    """
    link = _load(token, check_age=True)
    if link.used_at is not None:
        raise LinkUsed("This sign-in link has already been used.")
    if link.expires_at <= timezone.now():
        raise LinkExpired("This sign-in link has expired.")
    if not may_use_links(link.user):
        raise LinkInvalid("This sign-in link is not valid.")
    return link


def redeem(token: str) -> SignInLink:
    """Use up the link ``token`` names and return it (``link.user`` is who signs in).

    Raises :class:`LinkInvalid` (tampered or unknown), :class:`LinkExpired` or
    :class:`LinkUsed`. Single use is enforced by the database: the row is marked used by an
    UPDATE that only matches while ``used_at`` is still empty.
    """
    link = check(token)
    now = timezone.now()
    unused = SignInLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now)
    if not unused.update(used_at=now):
        raise LinkUsed("This sign-in link has already been used.")
    link.used_at = now
    return link


def owner_of(token: str):
    """The user an authentic (possibly used or expired) token was made for, else ``None``.

    Lets the "this link no longer works" page send a fresh link to the same person without
    asking for their address.
    """
    try:
        return _load(token, check_age=False).user
    except SignInLinkError:
        return None


def _address(user, participant=None) -> str:
    """The user's own address, else the CRM address of the person they are enrolled as."""
    if user.email:
        return user.email
    participant = participant or user.participations.select_related("person").first()
    return participant.person.email if participant else ""


def send_signin_email(who, next_url: str = "") -> str:
    """E-mail a new sign-in link to a Participant or a user; return the link's URL.

    Uses templates/emails/signin_subject.txt, signin_body.txt and signin_body.html.
    Raises :class:`NotAPilotUser` for staff and analysts, ``ValueError`` without an address.
    """
    participant = who if isinstance(who, Participant) else None
    user = participant.user if participant else who
    address = _address(user, participant)
    if not address:
        raise ValueError(f"{user} has no e-mail address to send a sign-in link to.")
    url = create_signin_link(user, next_url)
    _email_link(user, participant, address, url)
    return url


def _email_link(user, participant, address: str, url: str) -> None:
    if participant is None:
        participant = user.participations.select_related("study").first()
    context = {
        "user": user,
        "participant": participant,
        "study": participant.study if participant else None,
        "url": url,
        "max_age_hours": settings.SIGNIN_LINK_MAX_AGE_HOURS,
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string("emails/signin_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject,
        render_to_string("emails/signin_body.txt", context),
        to=[address],
    )
    message.attach_alternative(render_to_string("emails/signin_body.html", context), "text/html")
    message.send()


def rate_limited(user) -> bool:
    """True when ``user`` already got :data:`MAX_LINKS_PER_WINDOW` links in the window."""
    since = timezone.now() - RATE_WINDOW
    return user.signin_links.filter(created_at__gte=since).count() >= MAX_LINKS_PER_WINDOW


def create_requested_link(user, next_url: str = "") -> str | None:
    """A new link for ``user`` unless rate limited (then ``None``), as one atomic step.

    The count and the insert run in one transaction that first locks the user's row
    (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions take the
    database's write lock at ``BEGIN``), so simultaneous requests for one address queue
    behind each other and at most :data:`MAX_LINKS_PER_WINDOW` of them get a link.
    """
    with transaction.atomic():
        list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        if rate_limited(user):
            return None
        return create_signin_link(user, next_url)


def _send_requested_link(user, next_url: str = "") -> int:
    address = _address(user)
    if not address:
        return 0
    url = create_requested_link(user, next_url)
    if url is None:
        return 0
    _email_link(user, None, address, url)
    return 1


def request_link(email: str, next_url: str = "") -> int:
    """Send a new link to every pilot user with this address, unless rate limited.

    ``next_url`` (a local path, else dropped) is where the new link lands.

    Returns how many e-mails were sent; callers showing a page must not reveal it (the page
    reads the same whether the address is known or not). The sign-in form does not call
    this in the request: it queues :func:`pilot.jobs.request_signin_link_job`, so a known
    address answers as fast as an unknown one.
    """
    email = email.strip()
    if not email:
        return 0
    users = (
        get_user_model()
        .objects.filter(Q(email__iexact=email) | Q(participations__person__email__iexact=email))
        .distinct()
    )
    return sum(_send_requested_link(user, next_url) for user in users if may_use_links(user))


def renew(token: str) -> int:
    """Send a fresh link to the owner of an authentic (used or expired) token.

    Returns the number of e-mails sent (0 or 1), under the same rate limit as
    :func:`request_link`.
    """
    user = owner_of(token)
    if user is None or not may_use_links(user):
        return 0
    return _send_requested_link(user)
