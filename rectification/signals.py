"""What rectification announces to the layers above it (which it never imports).

Sent after the transaction that made the change commits, so a receiver sees it stored.
"""

from django.dispatch import Signal

# A case's status or deadline changed: what the public list and entry pages show.
# Sent with ``case_id``.
case_changed = Signal()
