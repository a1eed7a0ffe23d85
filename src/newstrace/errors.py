"""The error tree. The library raises these and never prints or exits; the CLI turns them into one line.

    NewstraceError
    ├── InputError        an input path or option cannot be used at all (not a bad record: those are Rejections)
    ├── StoreError        the embedded store cannot be opened or is from an incompatible version
    └── ConfigError       an option has an impossible value
"""

from __future__ import annotations

__all__ = ["ConfigError", "InputError", "NewstraceError", "StoreError"]


class NewstraceError(Exception):
    """Base class of every error newstrace raises on purpose."""


class InputError(NewstraceError):
    """An input path or option cannot be used at all."""


class StoreError(NewstraceError):
    """The store cannot be opened, or holds an incompatible schema."""


class ConfigError(NewstraceError):
    """An option has an impossible value."""
