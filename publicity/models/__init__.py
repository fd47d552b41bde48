"""Publication batches, their entries, objections, errata, media reports and the public's
submissions: the top domain layer. May call rectification and registry, never the reverse.

One module per aggregate, every public name re-exported here (``from publicity.models import
Entry``; the migrations name some of them, such as ``publicity.models.letter_upload_to``):

- ``batches``: batches and their history of moves;
- ``entries``: entries, objections, errata and the prior-notice letters;
- ``press``: media reports;
- ``submissions``: the public's reports and consultations;
- ``jobs``: the outbox (publication and export jobs);
- ``tallies``: the figures the database keeps for the home and statistics pages.
"""

from publicity.models.batches import Batch, BatchTransition
from publicity.models.entries import (
    Entry,
    EntryQuerySet,
    Erratum,
    Objection,
    PriorNoticeLetter,
    letter_upload_to,
)
from publicity.models.jobs import ExportJob, OutboxJob, PublicationJob, export_token
from publicity.models.press import MediaReport
from publicity.models.submissions import Submission
from publicity.models.tallies import (
    CaseTally,
    EntryFigureTally,
    EntryTally,
    ExposedUnit,
    ExposedUnitTally,
)

__all__ = [
    "Batch",
    "BatchTransition",
    "CaseTally",
    "Entry",
    "EntryFigureTally",
    "EntryQuerySet",
    "EntryTally",
    "Erratum",
    "ExportJob",
    "ExposedUnit",
    "ExposedUnitTally",
    "MediaReport",
    "Objection",
    "OutboxJob",
    "PriorNoticeLetter",
    "PublicationJob",
    "Submission",
    "export_token",
    "letter_upload_to",
]
