"""柯城区 Kecheng District plugin for soeplan (figures synthetic)."""

from __future__ import annotations

__version__ = "0.1.0"
UNIT = "kecheng"
