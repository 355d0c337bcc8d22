"""Job functions for the job runner's tests (module level, so a worker can import them)."""

from django.contrib.auth.models import Group

from pilot.jobs import job, progress

CALLS: list = []


@job("other")
def make_group(name: str) -> int:
    """Writes a row, so a test can see that the job ran (and in which database)."""
    CALLS.append(name)
    return Group.objects.create(name=name).pk


@job("train")
def count_to(n: int, *, step: int = 1) -> int:
    for i in range(0, n + 1, step):
        progress(100 * i / n, f"{i} of {n}")
    return n


@job("other")
def explode(message: str) -> None:
    raise RuntimeError(message)


def not_marked() -> str:
    return "plain"
