"""The package's layers: a pure core, SQL only in the store, imports that point one way, no cycles.

The graph of imports is read from the source with the ast module (imports inside functions too),
so a late import cannot hide a wrong direction or a cycle.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from importlib.util import resolve_name
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "survey"
HERE = Path(__file__).resolve()

# Libraries the pure core must never load, even through another module.
NOT_IN_CORE = ("flask", "flask_babel", "flask_wtf", "wtforms", "sqlite_utils", "jinja2", "werkzeug")
WEB_LIBRARIES = ("flask", "flask_babel", "flask_wtf", "flask_compress", "wtforms", "jinja2", "werkzeug")
DATABASE_LIBRARIES = ("sqlite3", "sqlite_utils")

# The layers each layer may import. "survey" is the package's __init__: create_app loads the web layer
# and the commands lazily.
ALLOWED = {
    "survey": {"web", "cli"},
    "settings": {"core"},
    "core": {"core"},
    "store": {"core", "store"},
    "reports": {"core", "reports"},
    "cli": {"core", "store", "reports"},
    "web": {"core", "store", "reports", "web", "settings"},
}
# Modules that only these modules may import: the commands are added where the app is put together.
ONLY_IMPORTED_BY = {"survey.cli": {"survey"}}

WEB_MAX_LINES = 300

# SQL statements as this code writes them: keywords in capitals, so English prose does not match.
SQL = [
    re.compile(pattern)
    for pattern in (
        r"^\s*SELECT\b",
        r"\bSELECT\b[\s\S]+?\bFROM\b",
        r"\bINSERT\s+(OR\s+[A-Z]+\s+)?INTO\b",
        r"\bREPLACE\s+INTO\b",
        r"\bUPDATE\s+\w+\s+SET\b",
        r"\bDELETE\s+FROM\b",
        r"\b(CREATE|DROP)\s+(TEMP\s+|TEMPORARY\s+|UNIQUE\s+|VIRTUAL\s+)?(TABLE|INDEX|VIEW|TRIGGER)\b",
        r"\bALTER\s+TABLE\b",
        r"\bPRAGMA\b",
        r"\bBEGIN\s+(IMMEDIATE|DEFERRED|EXCLUSIVE|TRANSACTION)\b",
        r"^\s*(BEGIN|COMMIT|ROLLBACK|END|SAVEPOINT|RELEASE|VACUUM|ANALYZE|REINDEX)\b",
        r"\bWITH\s+(RECURSIVE\s+)?\w+(\s*\([^)]*\))?\s+AS\s*\(",
        r"\b(ATTACH|DETACH)\s+DATABASE\b",
    )
]

# Files that live in a shared folder outside this repository: citing them sends readers nowhere.
OUTSIDE_FILES = re.compile(r"ENGINEERING\.md|STYLE\.md|shared/")


# Run in a fresh interpreter: import the modules named in argv[1], and report which of the libraries
# in argv[2] got loaded, each with the survey module and line whose import brought it in.
IMPORT_CORE = """
import importlib, json, sys

modules, unwanted = json.loads(sys.argv[1]), json.loads(sys.argv[2])
first_importer = {}


class Watch:
    def find_spec(self, name, path=None, target=None):
        if name in unwanted and name not in first_importer:
            frame = sys._getframe(1)
            while frame and not frame.f_globals.get("__name__", "").startswith("survey"):
                frame = frame.f_back
            first_importer[name] = f"{frame.f_globals['__name__']}:{frame.f_lineno}" if frame else "?"
        return None


sys.meta_path.insert(0, Watch())
for name in modules:
    importlib.import_module(name)
loaded = {name: first_importer.get(name, "?") for name in unwanted if name in sys.modules}
print("LOADED", json.dumps({"imported": [m for m in modules if m in sys.modules], "loaded": loaded}))
"""


def module_name(path: Path) -> str:
    """Return the dotted name of a module file under the repository root."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py")) if "node_modules" not in path.parts}


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imports(name: str) -> list[tuple[str, int]]:
    """Return every module a survey module imports, anywhere in its code, with the line of each import.

    `from package import name` counts as importing the submodule when `name` is one.
    """
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(parse(path)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = resolve_name("." * node.level + (node.module or ""), package) if node.level else node.module
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                found.append((submodule if submodule in MODULES else source, node.lineno))
    return found


def survey_graph() -> dict[str, dict[str, int]]:
    """Return the imports between survey modules: {module: {imported module: line}}."""
    graph = {}
    for name in MODULES:
        edges = graph[name] = {}
        for target, line in imports(name):
            if (target == "survey" or target.startswith("survey.")) and target != name:
                edges.setdefault(target, line)
    return graph


def layer(module: str) -> str:
    """Return a survey module's layer: its first folder or file under survey/, or "survey" for the package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Return one cycle for each back edge a depth-first search meets."""
    found, done, path = [], set(), []

    def visit(node: str) -> None:
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if target in path:
                found.append(path[path.index(target) :] + [target])
            elif target not in done:
                visit(target)
        path.pop()
        done.add(node)

    for node in sorted(graph):
        if node not in done:
            visit(node)
    return found


def docstrings(tree: ast.Module) -> set[int]:
    """Return the ids of the docstring nodes of a module and of its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def strings(tree: ast.Module) -> list[tuple[int, str]]:
    """Return the string literals of a module, docstrings left out; an f-string as one text, {…} for its fields."""
    skip = docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(part) for part in node.values)
            text = "".join(part.value if isinstance(part, ast.Constant) else "{…}" for part in node.values)
            found.append((node.lineno, text))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            found.append((node.lineno, node.value))
    return sorted(found)


def test_core_loads_no_web_or_database_library():
    """Importing every module of survey.core in a fresh interpreter loads no web, form or database library."""
    modules = sorted(module_name(path) for path in (PACKAGE / "core").glob("*.py"))
    assert len(modules) > 5, modules
    command = [sys.executable, "-c", IMPORT_CORE, json.dumps(modules), json.dumps(NOT_IN_CORE)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"importing survey.core failed:\n{done.stderr}"
    report = json.loads(done.stdout.rpartition("LOADED ")[2])
    assert report["imported"] == modules, report["imported"]
    loaded = report["loaded"]
    assert not loaded, "survey.core must stay pure, but importing it loaded:\n" + "\n".join(
        f"  {library} (through {where})" for library, where in sorted(loaded.items())
    )


def test_lower_layers_import_no_web_library():
    """Core, store and reports import no web library anywhere in their code, and the core no database library."""
    bad = []
    for name in MODULES:
        forbidden = {"core": WEB_LIBRARIES + DATABASE_LIBRARIES, "store": WEB_LIBRARIES, "reports": WEB_LIBRARIES}
        for target, line in imports(name):
            if target.split(".")[0] in forbidden.get(layer(name), ()):
                bad.append(f"{MODULES[name].relative_to(ROOT)}:{line} imports {target}")
    assert not bad, "\n".join(bad)


def test_sql_only_in_the_store():
    """No module outside survey/store holds an SQL statement (docstrings aside)."""
    hits = []
    for path in MODULES.values():
        if (PACKAGE / "store") in path.parents:
            continue
        for line, text in strings(parse(path)):
            if any(pattern.search(text) for pattern in SQL):
                hits.append(f"{path.relative_to(ROOT)}:{line}: {text.strip()[:80]!r}")
    assert not hits, "SQL belongs in survey/store, but these modules hold some:\n" + "\n".join(hits)


def test_sql_patterns_see_the_store_and_not_prose():
    """The SQL patterns find the store's statements and pass over the English texts of the other modules."""
    store = [text for path in (PACKAGE / "store").glob("*.py") for _line, text in strings(parse(path))]
    assert sum(any(pattern.search(text) for pattern in SQL) for text in store) > 20
    for text in ("Select a sector, then update the form.", "Begin the assessment", "Create an account"):
        assert not any(pattern.search(text) for pattern in SQL), text


def test_no_import_cycle():
    """No chain of imports inside survey/ leads back to where it started, late imports included."""
    graph = survey_graph()
    found = cycles(graph)
    described = [" -> ".join(f"{a} (line {graph[a][b]})" for a, b in zip(c, c[1:])) + f" -> {c[-1]}" for c in found]
    assert not found, "import cycles:\n" + "\n".join(described)


def test_imports_follow_the_layers():
    """Each import goes to a layer its layer may use: core <- store, reports <- cli, web; settings and cli as listed."""
    graph = survey_graph()
    unknown = sorted(name for name in graph if layer(name) not in ALLOWED)
    assert not unknown, f"modules in no known layer (add the layer to ALLOWED): {unknown}"
    violations = []
    for source, edges in graph.items():
        for target, line in edges.items():
            where = f"{MODULES[source].relative_to(ROOT)}:{line}: {source} imports {target}"
            if layer(target) not in ALLOWED.get(layer(source), ()):
                violations.append(f"{where} ({layer(source)} may import {', '.join(sorted(ALLOWED[layer(source)]))})")
            elif source not in ONLY_IMPORTED_BY.get(target, {source}):
                violations.append(f"{where} (only {', '.join(sorted(ONLY_IMPORTED_BY[target]))} may)")
    assert not violations, "imports against the layers:\n" + "\n".join(violations)


def test_web_modules_stay_short():
    """Each module under survey/web has at most 300 lines: views stay thin, the work is done in the layers below."""
    long = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((PACKAGE / "web").rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > WEB_MAX_LINES
    }
    assert not long, f"over {WEB_MAX_LINES} lines: {long}"


def test_no_citation_of_files_outside_the_repository():
    """No file of the project cites ENGINEERING.md, STYLE.md or shared/: they are not in the repository."""
    files = [ROOT / "Makefile", ROOT / "README.md"]
    for folder in ("survey", "tests", "bench"):
        files += [path for path in sorted((ROOT / folder).rglob("*")) if path.is_file()]
    hits = []
    for path in files:
        # Installed and built files are not the project's writing: node_modules, the built bundles.
        generated = {"__pycache__", "node_modules", "build", "out"} & set(path.parts)
        if path == HERE or generated or path.suffix in (".mo", ".pyc", ".png", ".sqlite3"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            if OUTSIDE_FILES.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not hits, "cites files that are not in the repository:\n" + "\n".join(hits)
