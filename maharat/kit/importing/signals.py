"""What an import's bulk write tells the apps above it (bulk writes send no model signals).

Both are sent inside the write's transaction, with `sender` the kind's model:

- `before_write(importer, creates, updates, state)`: the stored rows are still as they were;
- `after_write(importer, creates, updates, state)`: the records are written and have their ids.

`state` is one dict per write, shared by both, for what a receiver must remember in between (the monthly
figures a changed course run leaves). A receiver that raises rolls the whole import back. Monitoring keeps its
summary tables exact through these (monitoring/importers.py), so that no kind imports monitoring.
"""

from __future__ import annotations

from django.dispatch import Signal

before_write = Signal()
after_write = Signal()
