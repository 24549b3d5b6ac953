"""Signals the organisation tree sends, for apps that keep figures by position in the tree."""

from django.dispatch import Signal

# Sent after a unit (and so its subtree) moved to another parent: kwargs unit, old_path.
unit_moved = Signal()
