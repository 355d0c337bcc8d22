from django.conf import settings


def site(request):
    """Values every template may use."""
    return {"jobs_inline": settings.JOBS_INLINE, "site_url": settings.SITE_URL}
