"""The import engine's place in the layers, and the kinds' homes: each in the app that owns its record."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import maharat.kit.importing as importing_package
from maharat.kit import importing

# The layers of .importlinter (docs/architecture.md), lowest first: a module imports only from its own layer
# or a lower one. lint-imports checks every module; this says it of the importers in particular.
LAYERS = [("common",), ("audit",), ("access",), ("kit",), ("catalog",), ("org",), ("people",), ("training",),
          ("approval", "plans", "assessment"), ("monitoring",), ("exchange", "api", "demo", "web")]
LAYER_OF = {app: i for i, apps in enumerate(LAYERS) for app in apps}


def maharat_imports(path: Path, package: str) -> set[str]:
    """Every maharat module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, name] if name else base)
            found.add(name)
    return {name for name in found if name == "maharat" or name.startswith("maharat.")}


def app_of(module: str) -> str:
    return module.split(".")[1]


def engine_modules() -> list[tuple[str, Path]]:
    out = [(importing_package.__name__, Path(importing_package.__file__))]
    for info in pkgutil.walk_packages(importing_package.__path__, prefix=f"{importing_package.__name__}."):
        module = importlib.import_module(info.name)
        out.append((info.name, Path(module.__file__ or "")))
    return out


def test_the_engine_imports_no_domain_app() -> None:
    modules = engine_modules()
    assert {name.rsplit(".", 1)[-1] for name, _ in modules} >= {"engine", "registry", "columns", "periods"}
    for name, path in modules:
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for imported in maharat_imports(path, package):
            assert app_of(imported) in ("common", "audit", "access", "kit"), (name, imported)
        source = path.read_text(encoding="utf-8")
        assert "get_model(" not in source and "import_module(" not in source, name  # no import by name either


@pytest.mark.django_db
def test_every_kind_lives_in_the_app_that_owns_its_model() -> None:
    for name, cls in importing.kinds().items():
        assert cls.__module__ == f"maharat.{cls.model._meta.app_label}.importers", (name, cls.__module__)


def test_the_kinds_keep_their_names_and_order() -> None:
    # The names are URL slugs (/import/export/<kind>/) and the kind of every stored ImportBatch.
    assert list(importing.kinds()) == ["units", "trainers", "workshops", "trainees", "course_runs", "enrollments",
                                       "assessment_results", "commitments"]
    assert list(importing.KINDS) == list(importing.kinds()) and "enrollments" in importing.KINDS
    with pytest.raises(KeyError):
        importing.get("no-such-kind")


def test_every_importers_module_keeps_to_its_layer() -> None:
    root = Path(importing_package.__file__).parents[2]
    modules = sorted(root.glob("*/importers.py"))
    assert {p.parent.name for p in modules} >= {"org", "people", "training", "assessment", "plans", "monitoring"}
    for path in modules:
        app = path.parent.name
        for imported in maharat_imports(path, f"maharat.{app}"):
            assert LAYER_OF[app_of(imported)] <= LAYER_OF[app], (path, imported)


def test_a_name_cannot_be_registered_twice() -> None:
    taken = importing.get("units")

    class Another(taken):  # type: ignore[misc, valid-type]
        pass

    with pytest.raises(ValueError, match="registered twice"):
        importing.register(Another)
    assert importing.get("units") is taken
