"""The layout's rules (README, "Layout"), read from the code's own imports with `ast`: no import
circles in suite/, tasks/, reports/, cli/; the engine and the reports never import a task; the engine
never imports the reports or the command line; no command module imports another. Imports inside functions count as much as those at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

from cli.main import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("suite", "tasks", "reports", "cli")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> list[tuple[str, int]]:
    """(module imported, line) for every import statement of the file that names one of `known`.

    `from a.b import c` is an import of a.b.c when that is a module, else of a.b; relative imports
    are resolved against the file's package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `import a.b.c` of a name defined in a.b
                target = target.rpartition(".")[0]
            if target and target != name:
                out.append((target, node.lineno))
    return out


def graph() -> dict[str, dict[str, int]]:
    """module -> {module it imports: first line that does}, over the three packages."""
    mods = modules()
    known = set(mods)
    edges: dict[str, dict[str, int]] = {}
    for name, path in mods.items():
        edges[name] = {}
        for target, line in imports(name, path, known):
            edges[name].setdefault(target, line)
    return edges


def circles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each as its sorted modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def where(edges: dict[str, dict[str, int]], a: str, b: str) -> str:
    return f"{modules()[a].relative_to(ROOT)}:{edges[a][b]} imports {b}"


def test_the_walk_sees_imports_at_every_depth():
    """The rules below are only as good as the walk: it must see top-level, function-level and relative imports."""
    edges = graph()
    assert "suite.registry" in edges["suite.config"], "top-level import"
    assert "suite.api" in edges["cli.commands.common"], "import inside a function"
    assert "tasks.classification" in edges["tasks"], "`from tasks import classification` names the subpackage"
    assert circles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [["a", "b", "c"]]


def test_no_import_circles():
    edges = graph()
    found = circles(edges)
    lines = [f"{' ⇄ '.join(c)}: " + "; ".join(where(edges, a, b) for a in c for b in edges[a] if b in c) for c in found]
    assert not found, "import circles:\n" + "\n".join(lines)


def test_engine_and_reports_never_import_a_task():
    """Arrows point one way: tasks → suite, reports → suite. The engine finds tasks through the registry's entry points."""
    edges = graph()
    bad = [where(edges, a, b) for a in edges for b in edges[a] if a.split(".")[0] in ("suite", "reports") and b.split(".")[0] == "tasks"]
    assert not bad, "\n".join(bad)


def test_engine_imports_neither_reports_nor_the_command_line():
    """`suite` is the bottom of the house: `reports → suite` (the record schema) and `cli → all`, never back."""
    edges = graph()
    bad = [where(edges, a, b) for a in edges for b in edges[a] if a.split(".")[0] == "suite" and b.split(".")[0] in ("reports", "cli")]
    assert not bad, "\n".join(bad)


def test_only_the_command_line_imports_the_command_line():
    edges = graph()
    bad = [where(edges, a, b) for a in edges for b in edges[a] if a.split(".")[0] != "cli" and b.split(".")[0] == "cli"]
    assert not bad, "\n".join(bad)


def test_no_command_module_imports_another():
    """What the commands share lives in cli/commands/common.py, which is no command."""
    edges = graph()
    commands = {f"cli.commands.{c}" for c in COMMANDS}
    assert "cli.commands.common" not in commands
    bad = [where(edges, a, b) for a in edges for b in edges[a] if a.startswith("cli.commands.") and b in commands]
    assert not bad, "\n".join(bad)
