"""The import-linter layers name every module of the package.

import-linter checks only the modules a layer names: a new module that no layer lists would
escape the contracts unnoticed. This test makes the layering exhaustive: each module under
``src/asyncevents_svc`` falls in exactly one layer (a layer entry names a module or a
package containing it)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "asyncevents_svc"


def layer_entries() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    layers: list[str] = contract["layers"]
    return [{name.strip() for part in layer.split("|") for name in part.split(":")} for layer in layers]


def modules() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] in {"__init__", "__main__"}:
            if _only_a_docstring(path):
                continue  # an empty package marker (or one that only says what it holds) imports nothing
            parts = parts[:-1]
        found.append(".".join(parts))
    return [m for m in found if m != "asyncevents_svc"]


def _only_a_docstring(path: Path) -> bool:
    body = ast.parse(path.read_text()).body
    return all(isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) for node in body)


def covers(entry: str, module: str) -> bool:
    return module == entry or module.startswith(entry + ".")


@pytest.mark.parametrize("module", modules())
def test_every_module_is_in_exactly_one_layer(module: str) -> None:
    holding = [i for i, layer in enumerate(layer_entries()) if any(covers(e, module) for e in layer)]
    assert len(holding) == 1, f"{module} is in layers {holding}: add it to one layer in pyproject.toml"


def test_a_module_no_layer_names_is_found() -> None:
    """Positive control: the check sees a module missing from every layer."""
    layers = layer_entries()
    assert not any(covers(e, "asyncevents_svc.nowhere") for layer in layers for e in layer)
    assert "asyncevents_svc.deliveries.repository" in modules()
    assert "asyncevents_svc.cli" in modules()  # a package whose __init__ holds code is a module
