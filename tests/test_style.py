"""The house rules that a linter does not check: no module-level caches in ``ldcv/``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ldcv"
# A memo on a module-level function lives as long as the process and outlives the catalog,
# the app or the engine whose data it was computed from: state belongs to its owner.
CACHING_DECORATORS = {"cache", "lru_cache"}


def _decorator_name(decorator: ast.expr) -> str | None:
    """``cache``, ``functools.cache``, ``lru_cache(maxsize=…)``, ``functools.lru_cache()``."""
    if isinstance(decorator, ast.Call):
        decorator = decorator.func
    if isinstance(decorator, ast.Attribute):
        return decorator.attr
    if isinstance(decorator, ast.Name):
        return decorator.id
    return None


def module_level_caches(source: str, filename: str) -> list[str]:
    """Name each module-level function or method of ``source`` that a functools cache wraps."""
    found = []
    body = list(ast.parse(source, filename).body)
    for node in body:
        if isinstance(node, ast.ClassDef):
            # A cache on a method is the class's: shared by every instance, keeping each alive.
            body.extend(node.body)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                if _decorator_name(decorator) in CACHING_DECORATORS:
                    found.append(f"{filename}:{node.lineno}: {node.name}")
        elif isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
            # ``_f = lru_cache(maxsize=8)(f)``: the same cache without the decorator syntax.
            called = node.value.func
            if _decorator_name(called) in CACHING_DECORATORS or (
                isinstance(called, ast.Call) and _decorator_name(called) in CACHING_DECORATORS
            ):
                found.append(f"{filename}:{node.lineno}: {ast.unparse(node.value)}")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "from functools import cache\n@cache\ndef f(): pass\n",
        "import functools\n@functools.cache\ndef f(): pass\n",
        "from functools import lru_cache\n@lru_cache(maxsize=8)\ndef f(x): pass\n",
        "import functools\n@functools.lru_cache()\ndef f(x): pass\n",
        "from functools import lru_cache\n@lru_cache\nasync def f(x): pass\n",
    ],
)
def test_the_check_finds_a_cache_on_a_module_level_function(source: str) -> None:
    assert module_level_caches(source, "m.py") == ["m.py:3: f"]


@pytest.mark.parametrize(
    "source",
    [
        "import functools\n\nremembered = functools.cache(len)\n",
        "from functools import lru_cache\n\n_f: object = lru_cache(maxsize=8)(len)\n",
    ],
)
def test_the_check_finds_a_cache_made_by_calling_the_decorator(source: str) -> None:
    assert len(module_level_caches(source, "m.py")) == 1


def test_the_check_finds_a_cache_on_a_method_which_every_instance_shares() -> None:
    source = "import functools\nclass A:\n    @functools.lru_cache\n    def f(self): pass\n"
    assert module_level_caches(source, "m.py") == ["m.py:4: f"]


def test_the_check_leaves_cached_properties_alone() -> None:
    source = (
        "from functools import cached_property\n"
        "class A:\n"
        "    @cached_property\n"
        "    def f(self): pass\n"
    )
    assert module_level_caches(source, "m.py") == []


def test_no_module_level_function_in_ldcv_is_cached() -> None:
    found = [
        hit
        for path in sorted(PACKAGE.rglob("*.py"))
        for hit in module_level_caches(path.read_text("utf-8"), str(path.relative_to(PACKAGE)))
    ]
    assert found == [], "module-level caches (state belongs to its owner): " + ", ".join(found)
