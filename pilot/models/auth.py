from django.conf import settings
from django.db import models


class SignInLink(models.Model):
    """A one-time sign-in link sent by e-mail to a pilot user.

    The link carries a signed token naming this row's ``nonce``; the row records when it
    expires and when it was used, so a link works exactly once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signin_links"
    )
    nonce = models.CharField(max_length=43, unique=True)
    next_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"sign-in link for {self.user} ({'used' if self.used_at else 'unused'})"
