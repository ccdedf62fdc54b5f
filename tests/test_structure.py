"""The shape of the code: no import cycle in app/, and no module that holds two things."""

import ast
from pathlib import Path

import app

APP = Path(app.__file__).parent
# Links to the top-level migrations/ and seed/, shipped with the package: not modules of app.
NOT_CODE = ("_migrations", "_seed")
MAX_LINES = 400


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(APP.rglob("*.py")):
        relative = path.relative_to(APP)
        if relative.parts[0] in NOT_CODE:
            continue
        parts = ["app", *relative.with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The app modules a module imports, wherever the import stands (in a function too: a
    cycle hidden in a function is still a cycle)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        found |= {name for name in names if name in known}
    return found


def test_no_module_of_app_imports_itself_through_others():
    graph = {name: imports_of(path, set(modules())) for name, path in modules().items()}
    # A package imports what its __init__ imports; `app` itself is every module's parent.
    graph = {name: {dep for dep in deps if dep != name} for name, deps in graph.items()}
    cycles = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for dep in sorted(graph[name]):
            if state.get(dep) == "open":
                cycles.append(" -> ".join([*path[path.index(dep) :], dep]))
            elif dep not in state:
                visit(dep, [*path, dep])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_no_module_of_app_is_over_400_lines():
    long = {
        name: lines
        for name, path in modules().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
