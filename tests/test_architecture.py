"""docs/architecture.md holds the workflow tables as the code declares them."""

from pathlib import Path

from staff.management.commands.workflows import workflow_tables_markdown

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"
BEGIN, END = "<!-- workflow tables: begin -->\n", "<!-- workflow tables: end -->"


def test_architecture_doc_holds_the_workflow_tables_as_declared():
    text = DOC.read_text(encoding="utf-8")
    documented = text[text.index(BEGIN) + len(BEGIN) : text.index(END)]
    assert documented == workflow_tables_markdown()
