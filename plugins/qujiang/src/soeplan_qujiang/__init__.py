"""衢江区 Qujiang District plugin for soeplan (figures synthetic)."""

from __future__ import annotations

__version__ = "0.1.0"
UNIT = "qujiang"
