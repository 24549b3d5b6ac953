"""The top layer: pages that gather several apps (the home page, the menu, the audit trail)."""
