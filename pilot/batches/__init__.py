"""The weekly cycle as plain functions: studies and enrolment, generate, preview, send,
remind, close, and the tick that runs whatever is due. Jobs (``pilot/jobs.py``), commands
and staff pages call these and nothing else; see docs/cycle.md.
"""

from pilot.batches.generate import BatchClosed, GenerateResult, generate, get_batch, preview
from pilot.batches.leases import BatchBusy
from pilot.batches.lifecycle import TickReport, close, tick
from pilot.batches.mail import SendResult, outbox_summary, remind, send
from pilot.batches.schedule import Week, current_week, week_schedule

__all__ = [
    "BatchBusy",
    "BatchClosed",
    "GenerateResult",
    "SendResult",
    "TickReport",
    "Week",
    "close",
    "current_week",
    "generate",
    "get_batch",
    "outbox_summary",
    "preview",
    "remind",
    "send",
    "tick",
    "week_schedule",
]
