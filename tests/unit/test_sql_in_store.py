"""SQL lives in `marsad.store`: no other module of src/marsad runs a statement or holds SQL text.

The stages (pipeline, clusterer, band index, query layer, web app, Spark loader) call store
methods, so the same stages can run against another store.  Checked on the syntax tree of every
module, not with a text search: a call of a connection's statement methods (``execute``,
``executemany``, ``executescript``, ``cursor``, ``create_function``), a ``sqlite3.connect``, or a
string literal (or the literal parts of an f-string) that is an SQL statement.  Docstrings and
comments may talk about SQL.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import regex

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "marsad"
STORE = PACKAGE / "store"
STATEMENT_METHODS = {"execute", "executemany", "executescript", "cursor", "create_function", "create_aggregate"}
# an SQL statement: its opening keyword(s), upper case as the store writes them, then more SQL after it
_SQL = regex.compile(
    r"^\s*(?:SELECT\b.*\bFROM\b|INSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\b|REPLACE\s+INTO\b|UPDATE\s+\w+\s+SET\b|"
    r"DELETE\s+FROM\b|CREATE\s+(?:UNIQUE\s+|VIRTUAL\s+)?(?:TABLE|INDEX|TRIGGER|VIEW)\b|DROP\s+(?:TABLE|INDEX)\b|"
    r"ALTER\s+TABLE\b|PRAGMA\s+\w+|WITH\s+\w+\s+AS\s*\(|(?:BEGIN(?:\s+(?:IMMEDIATE|EXCLUSIVE|DEFERRED))?|COMMIT|"
    r"ROLLBACK|VACUUM|SAVEPOINT\s+\w+|RELEASE\s+\w+)\s*;?\s*$)",
    regex.DOTALL)
_SQL_INSIDE = regex.compile(r"\bSELECT\b.{0,200}\bFROM\s+\w+|\bINSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\s+\w+|"
                            r"\bDELETE\s+FROM\s+\w+|\bUPDATE\s+\w+\s+SET\s+\w+\s*=", regex.DOTALL)

# Modules outside store/ allowed to keep a finding, each with why.  Empty: nothing has to stay.
ALLOWED: dict[str, set[str]] = {}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (of the module, a class or a function)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                out.add(id(first.value))
    return out


def is_sql(text: str) -> bool:
    return bool(_SQL.match(text) or _SQL_INSIDE.search(text))


def sql_findings(source: str, name: str = "<source>") -> list[str]:
    """Each place in ``source`` that runs SQL or holds an SQL statement, as ``name:line: what``."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr = node.func.attr
            owner = node.func.value
            if attr in STATEMENT_METHODS:
                found.append(f"{name}:{node.lineno}: .{attr}()")
            elif attr == "connect" and isinstance(owner, ast.Name) and owner.id == "sqlite3":
                found.append(f"{name}:{node.lineno}: sqlite3.connect()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if is_sql(node.value):
                found.append(f"{name}:{node.lineno}: SQL text {node.value[:60]!r}")
        elif isinstance(node, ast.JoinedStr):
            literal = "".join(v.value if isinstance(v, ast.Constant) else " x " for v in node.values)
            if is_sql(literal):
                found.append(f"{name}:{node.lineno}: SQL f-string {literal[:60]!r}")
    # an f-string's literal parts are constants of their own: one may be reported beside its f-string
    return sorted(set(found), key=lambda f: (int(f.split(":")[1]), f))


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if STORE not in p.parents)


def test_no_sql_outside_the_store():
    modules = _modules()
    assert len(modules) > 50  # the package was found, not an empty folder
    bad = []
    for path in modules:
        rel = path.relative_to(PACKAGE.parent).as_posix()
        for finding in sql_findings(path.read_text(encoding="utf-8"), rel):
            what = finding.split(": ", 1)[1]
            if not any(what.startswith(a) for a in ALLOWED.get(rel, ())):
                bad.append(finding)
    assert not bad, "SQL outside src/marsad/store (move it into a store method):\n" + "\n".join(bad)


@pytest.mark.parametrize("source", [
    'conn.execute("SELECT 1")',
    'self.store.conn.executemany(sql, rows)',
    'c = sqlite3.connect(path)',
    'conn.cursor()',
    'sql = "INSERT OR IGNORE INTO lsh_bands(key, item) VALUES (?,?)"',
    'run("DELETE FROM pending WHERE stage = ?")',
    'q = f"SELECT {key} AS id FROM {table} WHERE term = ?"',
    'q = "SELECT id, sum(w) FROM (" + inner + ")"',
    'tx("BEGIN IMMEDIATE")',
    'tx("COMMIT")',
    'setup("PRAGMA busy_timeout=30000")',
])
def test_the_check_finds_sql(source):
    assert sql_findings(source)


@pytest.mark.parametrize("source", [
    'def f():\n    """Reads ``SELECT item FROM lsh_bands WHERE key = ?`` results."""\n',
    'label = "Select the stories from this outlet"',
    'msg = "begin the commit of a batch"',
    'pool.submit(fn)',
    'title = "UPDATE: the minister resigned"',
])
def test_the_check_leaves_prose_alone(source):
    assert not sql_findings(source)


def test_the_store_is_where_the_sql_is():
    """The same check finds the store's own statements (so it does look at real code)."""
    found = [f for p in sorted(STORE.glob("*.py")) for f in sql_findings(p.read_text(encoding="utf-8"), p.name)]
    assert any(".execute()" in f for f in found) and any("SQL text" in f for f in found)
    assert any(f.startswith("cluster_state.py") for f in found) and any(f.startswith("bands.py") for f in found)
