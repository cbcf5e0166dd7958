"""The import graph of ``src/coproduce`` keeps the architecture's one-way arrows.

Every import counts, including those inside functions (an import hidden in a function still ties two
modules together). Apps may import only the apps before them in ``FLOW``; ``demo``, ``cli`` and the
project-wide modules may import anything.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import coproduce

FLOW = [
    "engine",
    "core",
    "people",
    "partnerships",
    "events",
    "live",
    "deliberation",
    "sensemaking",
    "training",
    "recognition",
    "opportunities",
    "outcomes",
]
FREE = {"demo", "cli", "urls", "settings", "asgi", "routing", "wsgi"}
ROOT = Path(coproduce.__file__).parent


def module_name(path: Path) -> str:
    parts = ("coproduce", *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in ROOT.rglob("*.py") if "migrations" not in p.parts}


def imported_names(name: str, path: Path, node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    base = package[: len(package) - node.level + 1] if node.level else []
    prefix = ".".join(base + ([node.module] if node.module else []))
    return [prefix] + [f"{prefix}.{alias.name}" for alias in node.names]


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in imported_names(name, path, node):
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name and target.startswith("coproduce"):
                    graph[name].add(target)
    return graph


def app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_module_imports_itself_round_a_cycle():
    try:
        tuple(graphlib.TopologicalSorter(import_graph()).static_order())
    except graphlib.CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None


def test_no_app_imports_a_downstream_app():
    backward = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if app_of(module) in FLOW
        and app_of(target) in FLOW
        and FLOW.index(app_of(target)) > FLOW.index(app_of(module))
    )
    assert backward == []


def test_every_app_is_placed_in_the_flow():
    apps = {app_of(m) for m in modules()} - {""}
    assert sorted(apps - set(FLOW) - FREE) == []


def test_the_engine_never_imports_django():
    engine = [
        f"{name}: {alias}"
        for name, path in modules().items()
        if app_of(name) == "engine"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in ([a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""])
        if alias.split(".")[0] == "django"
    ]
    assert engine == []
