"""The pilot's domain, one module per area (see DESIGN.md "Domain")."""

from pilot.models.auth import SignInLink
from pilot.models.catalog import Recipe
from pilot.models.comparisons import Comparison
from pilot.models.data import Extract, Interaction
from pilot.models.ingredients import IngredientClassification, UnknownIngredient
from pilot.models.jobs import Job
from pilot.models.modelling import ModelVersion
from pilot.models.outbox import Message
from pilot.models.people import Identity, Person
from pilot.models.studies import (
    Arm,
    Batch,
    Participant,
    QuestionnaireAnswer,
    Rating,
    Recommendation,
    Study,
)
from pilot.models.summary import DataSummary

__all__ = [
    "Arm",
    "Batch",
    "Comparison",
    "DataSummary",
    "Extract",
    "Identity",
    "IngredientClassification",
    "Interaction",
    "Message",
    "Job",
    "ModelVersion",
    "Participant",
    "Person",
    "QuestionnaireAnswer",
    "Rating",
    "Recipe",
    "SignInLink",
    "Recommendation",
    "Study",
    "UnknownIngredient",
]
