"""One stem cache for the whole search index, kept from one build to the next.

Sphinx's ``IndexBuilder.feed`` memoises the stemmer per page only, so a word used on
every page is stemmed again on every page: on the 5,000-item benchmark corpus the
snowball stemmer was about 9% of a clean build (5.4 s of 57 s profiled, 55,956 calls
for 107 pages), and in a one-file incremental build it still stemmed the 5,572 words
of the pages re-written (0.5 s of 7 s profiled). Item text repeats its vocabulary
across pages and builds, so qmsdoc wraps the search language's ``stem`` once per build
with a cache over all pages, read at the start of the write phase from
``<doctrees>/qmsdoc-stems.json`` and written back at ``build-finished``. The file
names the language, its stemmer class and the Sphinx version, and is ignored when
any of them differs or it cannot be read. The stems, and so the search index, are the
same: only the number of times each word is stemmed changes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sphinx

from qmsdoc.errors import OutputError
from qmsdoc.storage.atomic import write_atomic

if TYPE_CHECKING:
    from collections.abc import Callable

    from docutils import nodes
    from sphinx.application import Sphinx

__all__ = ["STEMS_FILE", "cache_stems", "install", "save_stems"]

STEMS_FILE = "qmsdoc-stems.json"
#: marks a search language whose ``stem`` is already cached
_CACHED = "_qmsdoc_stems"


def install(app: Sphinx) -> None:
    """Connect the speed-up (:mod:`qmsdoc.sphinxext.speedups` decides whether)."""
    app.connect("doctree-resolved", cache_stems, priority=400)
    app.connect("build-finished", save_stems)


def cache_stems(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Cache the search language's stems for the rest of the build (once)."""
    language = _language(app)
    if language is None or getattr(language, _CACHED, None) is not None:
        return
    key = _key(language)
    stems = _read(Path(app.doctreedir) / STEMS_FILE, key)
    language.stem = _cached(language.stem, stems)
    setattr(language, _CACHED, (key, stems, len(stems)))


def save_stems(app: Sphinx, exception: Exception | None) -> None:
    """Write the stems back for the next build, if the build added any."""
    language = _language(app)
    state = getattr(language, _CACHED, None) if language is not None else None
    if exception is not None or state is None:
        return
    key, stems, size_read = state
    if len(stems) == size_read:
        return
    _write(Path(app.doctreedir) / STEMS_FILE, {"key": key, "stems": stems})


def _language(app: Sphinx) -> Any:
    indexer = getattr(app.builder, "indexer", None)
    return getattr(indexer, "lang", None)


def _key(language: Any) -> list[str]:
    kind = type(language)
    return [
        str(language.lang),
        f"{kind.__module__}.{kind.__qualname__}",
        sphinx.__version__,
    ]


def _cached(stem: Callable[[str], str], stems: dict[str, str]) -> Callable[[str], str]:
    def cached_stem(word: str) -> str:
        try:
            return stems[word]
        except KeyError:
            value = stems[word] = stem(word)
            return value

    return cached_stem


def _read(path: Path, key: list[str]) -> dict[str, str]:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(content, dict) or content.get("key") != key:
        return {}
    stems = content.get("stems")
    if not isinstance(stems, dict) or not all(
        isinstance(word, str) and isinstance(value, str)
        for word, value in stems.items()
    ):
        return {}
    return stems


def _write(path: Path, content: dict[str, Any]) -> None:
    data = json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    try:
        write_atomic(path, data)
    except OutputError:
        return  # a cache: the next build stems again
