"""Imports of the optional dependencies, with a message that says what to
install."""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, what: str) -> ModuleType:
    """Imports ``module`` or raises ``ImportError`` naming ``what`` needs it."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(
            f"{what} needs {module}: pip install {module} (or aisf[arrow] / aisf[pandas])"
        ) from e
