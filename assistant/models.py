"""Imports every subpackage's ``models`` module so that ``Base.metadata`` holds the
whole schema (Alembic autogenerate and tests rely on it)."""

import importlib
import pkgutil

import assistant

for _info in pkgutil.iter_modules(assistant.__path__):
    if _info.ispkg and importlib.util.find_spec(f"assistant.{_info.name}.models") is not None:
        importlib.import_module(f"assistant.{_info.name}.models")
