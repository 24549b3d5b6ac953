"""Importing spreadsheets, for every app: the engine (engine.Importer), its columns and cell parsers, the
registry of kinds and the signals its bulk writes send.

Each app declares the kinds of its own records in its importers.py and registers them:

    @register
    class WorkshopImporter(Importer):
        kind, title, order, model = "workshops", "کارگاه‌ها", 30, Workshop
        ...

exchange holds only the import pages, the recorded batches and the worker. This package imports nothing but
common, audit and access (maharat/kit/tests/test_importing_layers.py checks it).
"""

from .columns import Column, Outcome, Problem, Row
from .engine import Importer, Plan
from .registry import KINDS, discover, get, kinds, register

__all__ = ["KINDS", "Column", "Importer", "Outcome", "Plan", "Problem", "Row", "discover", "get", "kinds",
           "register"]
