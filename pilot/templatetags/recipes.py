"""Link a recipe to its page wherever an analyst or staff page names it.

``{% load recipes %}`` then ``{% recipe_link recipe %}`` (a Recipe), or
``{% recipe_link external_id title %}`` (an id and the words to show), or
``{{ external_id|recipe_url }}`` for the address alone. The link text is escaped. Only for
analyst/staff templates: pilot users cannot open the page (it answers 403 to them).
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.filter
def recipe_url(external_id) -> str:
    """The address of the recipe page (``/dashboard/recipes/<external_id>/``)."""
    if external_id in (None, ""):
        return ""
    return reverse("dashboard-recipe", args=[str(external_id)])


@register.simple_tag
def recipe_link(recipe, title=None):
    """``<a href="/dashboard/recipes/ID/">Title</a>``; plain text when there is no id."""
    external_id = getattr(recipe, "external_id", recipe)
    text = title if title not in (None, "") else getattr(recipe, "title", external_id)
    if external_id in (None, ""):
        return format_html("{}", text or "")
    return format_html('<a class="recipe-link" href="{}">{}</a>', recipe_url(external_id), text)
