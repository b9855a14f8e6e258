"""The package's layering, read from the source with `ast`: only the Streamlit side imports
Streamlit, anywhere in a module (a lazy import inside a function counts too)."""

import ast
from pathlib import Path

from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "qa_dashboard"
# The Streamlit side of the package: the chart layer (it draws), the sidebar that draws the
# filters, the cache (Streamlit's cache_data) and the sign-in widgets. Pages and app.py sit
# outside the package. Everything else works out figures, reads files or writes the database,
# and must run from the command line and in tests without Streamlit.
STREAMLIT_SIDE = {"charts", "filters.py", "cached.py", "signin.py"}
# auth.py still reads the session (lazily) until the sign-in flow moves to signin.py (issue 11,
# helper h3's branch); when that is merged this line goes, and auth.py is held to the rule.
STREAMLIT_SIDE |= {"auth.py"}


def _imports_streamlit(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
            lines.append(node.lineno)
    return lines


def test_only_the_streamlit_side_of_the_package_imports_streamlit():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in STREAMLIT_SIDE:
            continue
        lines = _imports_streamlit(path)
        if lines:
            offenders[str(relative)] = lines
    assert offenders == {}, f"modules importing streamlit outside {sorted(STREAMLIT_SIDE)}: {offenders}"


def test_the_check_sees_a_lazy_import(tmp_path):
    module = tmp_path / "lazy.py"
    module.write_text("def draw():\n    import streamlit as st\n    from streamlit import config\n")
    assert _imports_streamlit(module) == [2, 3]


def test_the_pure_page_modules_import_without_streamlit():
    """The page modules' figures need no Streamlit: a fresh interpreter that blocks the import
    can still load them."""
    import subprocess
    import sys

    code = ("import sys; sys.modules['streamlit'] = None\n"
            "import qa_dashboard.overview, qa_dashboard.system_health, qa_dashboard.audits, "
            "qa_dashboard.workforce, qa_dashboard.voice, qa_dashboard.scope, qa_dashboard.queries")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
