"""Reader settings: one frozen object with documented defaults, handed to every reader."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ReadSettings", "DEFAULT_SETTINGS"]

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadSettings:
    """Limits and switches for reading.

    ``max_article_bytes``: an article (a text file, one record's text field, one HTML page) larger than this is
    rejected as ``too-large``. Long-form news tops out near 100 KB and the largest text in PolNeAR is under
    40 KB; 8 MiB leaves two orders of magnitude of headroom while still refusing dumps that are not articles.

    ``max_container_bytes``: decompressed size at which a ``.gz``/``.bz2``/``.xz``/``.zip`` member is cut off and
    its remainder rejected as ``too-large`` (guards against decompression bombs; 2 GiB covers a Common Crawl
    news WARC, about 1 GiB uncompressed).

    ``mapping``: explicit ``field -> column`` overrides for record formats (``{"text": "body_html"}``).
    """

    max_article_bytes: int = 8 * MiB
    max_container_bytes: int = 2048 * MiB
    repair_mojibake: bool = True
    guess_language: bool = True
    mapping: dict[str, str] = field(default_factory=dict)


DEFAULT_SETTINGS = ReadSettings()
