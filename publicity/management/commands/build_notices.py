"""``python manage.py build_notices``: build the missing notice PDFs of finalised and
published batches (the demo city's batches are loaded without one). Idempotent: a batch whose
notice is stored is left alone, so the launcher can run it on every start."""

from django.core.management.base import BaseCommand

from publicity.selectors import batches_missing_notice
from publicity.services import notice_build


class Command(BaseCommand):
    help = "Build the notice PDF of every finalised or published batch that has none."

    def handle(self, *args: object, **options: object) -> None:
        built = 0
        for batch in batches_missing_notice():
            digest = notice_build(batch=batch)
            built += 1
            self.stdout.write(f"{batch.label}: {digest}")
        self.stdout.write(f"{built} notices built.")
