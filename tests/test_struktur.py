"""The shape of the code, read from its own imports and files (issue 14): layers point down, features form no loop,
no file is too long to read in one sitting, and the shared rules have one home.

Layers, lowest first:
- models (portal/models): the tables; import nothing of the portal but the database and the number parser;
- kernel (the modules directly in portal/, but the application's assembly): rules every feature shares;
- features (the packages in portal/): a feature's services import the kernel, the models and their own feature;
  its views may call another feature's read functions, as long as no two features lean on each other;
- the application (portal/__init__.py, cli.py and the demo generators): assembles and drives the features.
"""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"
TEMPLATES = ROOT / "templates"
MAKS_BARIS = 400
# The application's assembly: may import anything.
APLIKASI = {"portal", "portal.cli", "portal.demo"}
DASAR = {"portal.extensions", "portal.bilangan"}  # below the models too


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module(p): p for p in PORTAL.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """The portal modules a file imports (from portal import x counts as portal.x when x is a module)."""
    mods = _modules()
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("portal"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in mods else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("portal"))
    return found


def _kind(module: str) -> str:
    parts = module.split(".")
    if module in APLIKASI or (len(parts) > 1 and parts[1] == "demo"):
        return "aplikasi"
    if len(parts) > 1 and parts[1] == "models":
        return "models"
    if module in DASAR:
        return "dasar"
    if (PORTAL / parts[1]).is_dir() if len(parts) > 1 else False:
        return "fitur"
    return "kernel"


def _feature(module: str) -> str:
    return module.split(".")[1]


def _is_view(module: str) -> bool:
    return module.split(".")[-1] in ("views", "forms") or ".views." in module + "."


EDGES = [(m, i) for m, p in sorted(_modules().items()) for i in sorted(_imports(p))]


def test_models_import_only_models_and_the_database():
    wrong = [f"{m} → {i}" for m, i in EDGES if _kind(m) == "models" and _kind(i) not in ("models", "dasar")]
    assert not wrong, wrong


def test_the_kernel_imports_no_feature_and_no_application_module():
    wrong = [f"{m} → {i}" for m, i in EDGES if _kind(m) in ("kernel", "dasar") and _kind(i) in ("fitur", "aplikasi")]
    assert not wrong, wrong


def test_features_never_import_the_application():
    wrong = [f"{m} → {i}" for m, i in EDGES if _kind(m) in ("fitur", "models", "kernel") and _kind(i) == "aplikasi"]
    assert not wrong, wrong


def test_services_import_no_views_and_no_other_feature():
    wrong = [f"{m} → {i}" for m, i in EDGES if _kind(m) == "fitur" and not _is_view(m) and _kind(i) == "fitur"
             and (_is_view(i) or _feature(i) != _feature(m))]
    assert not wrong, wrong


def test_no_loop_between_feature_packages():
    graph = defaultdict(set)
    for m, i in EDGES:
        if _kind(m) == "fitur" and _kind(i) == "fitur" and _feature(m) != _feature(i):
            graph[_feature(m)].add(_feature(i))
    loops = []

    def walk(node, trail):
        for nxt in sorted(graph[node]):
            if nxt in trail:
                loops.append(" → ".join(trail[trail.index(nxt):] + [nxt]))
            elif len(trail) < 12:
                walk(nxt, trail + [nxt])
    for start in sorted(graph):
        walk(start, [start])
    assert not loops, sorted(set(loops))


def test_no_file_of_the_portal_is_too_long_to_read_in_one_sitting():
    long = {str(p.relative_to(ROOT)): n for p in PORTAL.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAKS_BARIS}
    assert not long, long


def _python_views():
    return [p for p in PORTAL.rglob("*.py") if _is_view(_module(p))]


# A role compared by hand: `.role ==`, `.role in`, `role != "desa"`…
_PERAN = re.compile(r"\brole\s*(==|!=|\bin\b|\bnot in\b)|\brole\s*\)\s*(==|in)|\bis_admin\b")


@pytest.mark.parametrize("path", _python_views(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_view_tests_a_role(path):
    """Views ask access.may_*(); the roles behind each question live in portal/access.py only."""
    wrong = [f"{n}: {line.strip()}" for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if _PERAN.search(line) and "roles=" not in line]
    assert not wrong, wrong


def test_no_template_tests_a_role():
    wrong = [f"{p.relative_to(ROOT)}:{n}" for p in TEMPLATES.rglob("*.html")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if ".role" in line
             and re.search(r"\.role\s*(==|!=|in\b|not in\b)", line)]
    assert not wrong, wrong


def test_no_status_is_decided_by_reading_a_message():
    wrong = [f"{p.relative_to(ROOT)}:{n}" for p in PORTAL.rglob("*.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"""["'][^"']*["']\s+in\s+\w+\.message""", line)]
    assert not wrong, wrong


def test_one_pager_and_one_page_size():
    pagers = [str(p.relative_to(ROOT)) for p in TEMPLATES.rglob("*.html") if 'class="pager"' in p.read_text()]
    assert pagers == ["templates/_partials/pager.html"]
    sizes = [f"{p.relative_to(ROOT)}:{n}" for p in PORTAL.rglob("*.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.match(r"\s*[A-Z_]*PER_(PAGE|HALAMAN)\s*=", line) and p.name != "config.py"]
    assert not sizes, sizes
    ceil = [f"{p.relative_to(ROOT)}:{n}" for p in PORTAL.rglob("*.py")
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if re.search(r"- 1\) // |-\(-", line) and p.name != "halaman.py"]
    assert not ceil, ceil


def test_one_fragment_check():
    """htmx asks for a fragment: caching.fragmen() decides (a history restore wants the whole page)."""
    wrong = [f"{p.relative_to(ROOT)}:{n}" for p in PORTAL.rglob("*.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if 'headers.get("HX-Request")' in line and p.name != "caching.py"]
    assert not wrong, wrong


def test_templates_put_one_element_on_a_line():
    """The byte budget counts compressed bytes, where indentation and line breaks are nearly free."""
    long = [f"{p.relative_to(ROOT)}:{n} ({len(line)})" for p in TEMPLATES.rglob("*.html")
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if len(line) > 200]
    assert not long, long
