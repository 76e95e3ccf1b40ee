"""The stub _native.pyi and the compiled module agree: every name in one
is in the other, and function signatures match where Python can see them."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any, Optional

import aisf
from aisf import _native

STUB = Path(aisf.__file__).with_name("_native.pyi")


def _stub() -> ast.Module:
    return ast.parse(STUB.read_text())


def _public(names: Any) -> set[str]:
    return {n for n in names if not n.startswith("_") or n == "__version__"}


def _stub_names(body: list[ast.stmt]) -> dict[str, ast.stmt]:
    out: dict[str, ast.stmt] = {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out[node.target.id] = node
    return {k: v for k, v in out.items() if not k.startswith("_") or k == "__version__"}


def _params(fn: ast.FunctionDef) -> list[tuple[str, Optional[str]]]:
    """(name, default as source or None) of each parameter but self."""
    args = fn.args.args
    defaults: list[Optional[ast.expr]] = [None] * (len(args) - len(fn.args.defaults))
    defaults += list(fn.args.defaults)
    out = [
        (a.arg, None if d is None else ast.unparse(d)) for a, d in zip(args, defaults)
    ]
    return [p for p in out if p[0] != "self"]


def _runtime_params(obj: Any) -> Optional[list[tuple[str, Optional[str]]]]:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None  # not introspectable (a slot wrapper)
    out = []
    for p in sig.parameters.values():
        if p.name == "self" or p.name.startswith("$"):
            continue
        d = None if p.default is inspect.Parameter.empty else repr(p.default)
        out.append((p.name, d))
    return out


def _member(name: str) -> bool:
    """Public members, and the one dunder the stub declares."""
    return not name.startswith("_") or name == "__len__"


def test_every_module_name_is_in_the_stub_and_back() -> None:
    stub = set(_stub_names(_stub().body))
    runtime = _public(dir(_native))
    assert stub - runtime == set(), "in the stub, not in the module"
    assert runtime - stub == set(), "in the module, not in the stub"


def test_function_signatures_match() -> None:
    checked = 0
    for name, node in _stub_names(_stub().body).items():
        if isinstance(node, ast.FunctionDef):
            runtime = _runtime_params(getattr(_native, name))
            assert runtime is not None, f"{name} has no text signature"
            assert runtime == _params(node), name
            checked += 1
    assert checked >= 5


def test_class_members_and_method_signatures_match() -> None:
    for name, node in _stub_names(_stub().body).items():
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(_native, name)
        assert isinstance(cls, type), name
        # Bases by name.
        stub_bases = [ast.unparse(b) for b in node.bases] or ["object"]
        assert [b.__name__ for b in cls.__bases__] == stub_bases, name
        if issubclass(cls, BaseException):
            continue  # exception attributes are set on instances
        stub_members = {
            n.name for n in node.body if isinstance(n, ast.FunctionDef) and _member(n.name)
        }
        runtime_members = {n for n in vars(cls) if _member(n)}
        assert stub_members == runtime_members, name
        for fn in node.body:
            if not isinstance(fn, ast.FunctionDef):
                continue
            member = vars(cls)[fn.name]
            is_property = any(ast.unparse(d) == "property" for d in fn.decorator_list)
            if is_property:
                assert inspect.isdatadescriptor(member), f"{name}.{fn.name} is not a property"
                continue
            assert callable(member), f"{name}.{fn.name}"
            runtime = _runtime_params(member)
            if runtime is not None:
                assert runtime == _params(fn), f"{name}.{fn.name}"


def test_exception_attributes_in_the_stub_are_set(snap: aisf.Snapshot, tmp_path: Path) -> None:
    stub = _stub_names(_stub().body)

    def annotated(cls_name: str) -> set[str]:
        out: set[str] = set()
        node = stub[cls_name]
        assert isinstance(node, ast.ClassDef)
        for n in node.body:
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name):
                out.add(n.target.id)
        for b in node.bases:
            if ast.unparse(b) in stub:
                out |= annotated(ast.unparse(b))
        return out

    policy = tmp_path / "p.toml"
    policy.write_text("[nope]\n")
    raised = []
    for call in (
        lambda: aisf.open(tmp_path / "none.aisf"),
        lambda: snap.scan(policy),
        lambda: aisf.ingest(tmp_path / "none", tmp_path / "o.aisf"),
        lambda: snap.who("nothing-at-all"),
    ):
        try:
            call()
        except _native.AisfError as e:
            raised.append(e)
    assert len(raised) == 4
    for e in raised:
        for attr in annotated(type(e).__name__):
            assert hasattr(e, attr), f"{type(e).__name__}.{attr}"
