"""What the kernel announces to the apps above it (which it never imports).

Sent after the transaction that made the change commits, so a receiver sees it stored.
"""

from django.dispatch import Signal

# A year of the working-day calendar was entered, changed or seeded: pages that say whether
# a deadline's year is known (the public entry page) are out of date. Sent with ``years``.
calendar_changed = Signal()
