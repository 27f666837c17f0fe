"""How the parts of the house depend on each other, read from the source with ``ast``.

Data flows one way (STYLE.md): posts/ files → content → the blog's pages, and
form → comments → moderation. These tests fail on an import cycle, on the
comments service reaching up into the pages that show it, and on Flask
creeping into ``app/content``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
# Flask and its extensions: what app/content must never import.
FLASK_WORLD = ("flask", "flask_babel", "flask_login", "flask_wtf", "flask_sqlalchemy")
FLASK_WORLD += ("flask_limiter", "flask_migrate", "werkzeug", "wtforms", "jinja2")


def module_name(path: Path) -> str:
    """Return the dotted module name of a file under app/."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.If) -> bool:
    """Tell whether an ``if`` block runs only for type checkers."""
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path) -> set[str]:
    """Return every module a file imports, at module level or inside functions.

    ``from app.x import y`` counts as importing ``app.x.y`` when that is a
    module, else ``app.x``. Imports for type checkers only are left out.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _type_checking_only(node)
        for child in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if _is_module(candidate) else node.module)
    return found


def _is_module(name: str) -> bool:
    """Tell whether a dotted name under app/ is a module or package."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def app_graph() -> dict[str, set[str]]:
    """Return {module: the app modules it imports} for every module of app/."""
    graph = {}
    for path in sorted(APP.rglob("*.py")):
        graph[module_name(path)] = {
            name for name in imports_of(path) if name.split(".")[0] == "app"
        }
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import cycle as a list of modules, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module)
            if cycle:
                return cycle
    return None


def test_the_graph_reader_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from app.blog import routes\n"
        "def f():\n    from app.comments.models import Comment\n    import flask\n"
    )
    assert imports_of(source) == {"typing", "app.comments.models", "flask"}


def test_the_cycle_finder_finds_a_cycle_and_only_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_between_modules_of_the_app():
    cycle = find_cycle(app_graph())
    assert cycle is None, " → ".join(cycle)


def test_comments_know_nothing_of_the_pages_that_show_them():
    wrong = {
        (module, target)
        for module, targets in app_graph().items()
        if module.startswith("app.comments")
        for target in targets
        if target.startswith(("app.blog", "app.moderation"))
    }
    assert wrong == set()


def test_comments_know_nothing_of_the_mail_that_announces_them():
    wrong = {
        (module, target)
        for module, targets in app_graph().items()
        if module.startswith("app.comments")
        for target in targets
        if target.startswith(("app.mail", "app.mail_links"))
    }
    assert wrong == set()


def test_mail_stands_on_comments_content_and_settings_only():
    # Not on the pages: the links' pages (app.mail_links) stand on mail.
    allowed = ("app.mail.", "app.comments", "app.content", "app.config")
    allowed += ("app.extensions", "app.links")
    wrong = {
        (module, target)
        for module, targets in app_graph().items()
        if module == "app.mail" or module.startswith("app.mail.")
        for target in targets
        if target != "app.mail" and not target.startswith(allowed)
    }
    assert wrong == set()


def test_content_imports_no_flask_and_no_flask_extension():
    wrong = {
        (module_name(path), name)
        for path in (APP / "content").rglob("*.py")
        for name in imports_of(path)
        if name.split(".")[0] in FLASK_WORLD
        or name.startswith("app.")
        and not name.startswith("app.content")
    }
    assert wrong == set()


def test_content_loads_in_a_fresh_interpreter_without_flask():
    probe = (
        "import sys, app.content\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{FLASK_WORLD!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "[]"


def test_the_comments_service_reads_no_request_session_or_user():
    # Only the form module (it turns a form into plain values) may.
    forbidden = {"request", "session", "current_user", "g"}
    wrong = set()
    for path in (APP / "comments").glob("*.py"):
        if path.name == "forms.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in (
                "flask",
                "flask_login",
            ):
                wrong.update(
                    (path.name, alias.name)
                    for alias in node.names
                    if alias.name in forbidden
                )
    assert wrong == set()
