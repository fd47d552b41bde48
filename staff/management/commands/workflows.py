"""``python manage.py workflows``: print every workflow table (core.workflow) as Markdown, as
docs/architecture.md holds them (a test keeps the two the same)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation


def workflow_tables_markdown() -> str:
    # The modules that declare the tables, imported so each registers itself.
    import publicity.submissions.workflow  # noqa: F401
    import publicity.workflows  # noqa: F401
    import rectification.reply_workflow  # noqa: F401
    import rectification.workflows  # noqa: F401
    import registry.workflows  # noqa: F401
    from core.workflow import TABLES

    # The order a batch's life takes, whatever order the modules were imported in.
    order = [
        "batch",
        "entry",
        "objection",
        "erratum",
        "case",
        "reply",
        "submission",
        "enterprise_import",
    ]

    def position(item: tuple[str, Any]) -> tuple[int, str]:
        name = item[0]
        return (order.index(name) if name in order else len(order), name)

    with translation.override("en"):
        parts = [
            f"#### {name}\n\n{table.markdown()}"
            for name, table in sorted(TABLES.items(), key=position)
        ]
    return "\n\n".join(parts) + "\n"


class Command(BaseCommand):
    help = "Print every workflow table as Markdown (docs/architecture.md)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(workflow_tables_markdown(), ending="")
