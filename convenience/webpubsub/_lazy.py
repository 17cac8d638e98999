"""Deferred imports: a module object now, its code run on first attribute access.

The clients reach the operation builders (and through them the generated low-level client)
only when a method is first called; a program that imports ``webpubsub`` and builds a
client without sending yet pays nothing for them. Once loaded, the object is the ordinary
module, so later calls look attributes up at the usual cost.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name`` (absolute), imported for real on first attribute access.

    Returns the module at once if it is already imported. Raises ``ModuleNotFoundError`` if
    it does not exist (checked now; errors inside the module surface on first use).
    """
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
