"""Where a record came from: the plugin, its distribution and version."""

from __future__ import annotations

import attrs


@attrs.frozen
class Provider:
    """The plugin that registered a record (``core`` for soeplan's own content)."""

    plugin: str
    distribution: str = ""
    version: str = ""

    def __str__(self) -> str:
        if self.distribution:
            return f"{self.plugin} ({self.distribution} {self.version})".rstrip()
        return self.plugin
