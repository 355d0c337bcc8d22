from django.db import models

#: Diet labels a recipe can carry and a person can require (same words on both sides).
DIET_LABELS = (
    "vegetarian",
    "vegan",
    "gluten_free",
    "dairy_free",
    "nut_free",
    "halal",
    "no_pork",
)

#: Tag categories; a tag is written "category:value", e.g. "season:winter".
TAG_CATEGORIES = ("cuisine", "course", "season", "holiday")


class Recipe(models.Model):
    """A recipe that can be recommended.

    ``tags`` holds "category:value" strings (cuisine, course, season, holiday);
    ``diet_labels`` holds what the recipe *is* (e.g. vegetarian, nut_free).
    """

    external_id = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    ingredients = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)
    diet_labels = models.JSONField(default=list, blank=True)
    #: The labels the extract gave (None: derived from the ingredients), kept to re-check them.
    given_diet_labels = models.JSONField(null=True, blank=True)
    #: The labels it would carry if every unknown ingredient turned out to break nothing.
    labels_if_known = models.JSONField(default=list, blank=True)
    minutes = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def tag_values(self, category: str) -> list[str]:
        prefix = f"{category}:"
        return [tag[len(prefix) :] for tag in self.tags if tag.startswith(prefix)]

    @property
    def cuisine(self) -> str:
        values = self.tag_values("cuisine")
        return values[0] if values else ""

    def allows(self, restrictions) -> bool:
        """True when this recipe satisfies every restriction (labels ⊇ restrictions)."""
        return set(restrictions) <= set(self.diet_labels)
