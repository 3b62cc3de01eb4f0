"""A stateful simulator of the PythonAnywhere REST API, for tests and rehearsals."""

from __future__ import annotations

__version__ = "0.1.0"
