"""The search index stems each word once per build, with the same stems."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from docutils.utils import new_document
from sphinx.search.en import SearchEnglish

from qmsdoc.sphinxext.search_stems import cache_stems

WORDS = ["flagging", "flagged", "results", "ranges", "flagging", "results", "risk"]


def _app(language: Any) -> Any:
    return SimpleNamespace(
        builder=SimpleNamespace(indexer=SimpleNamespace(lang=language))
    )


def test_cached_stems_are_the_stemmer_s_stems() -> None:
    reference = SearchEnglish({})
    expected = [reference.stem(word) for word in WORDS]
    language = SearchEnglish({})
    app = _app(language)
    cache_stems(app, new_document("page"), "index")
    cache_stems(app, new_document("page"), "other")  # wrapped once only
    assert [language.stem(word) for word in WORDS] == expected
    stem: Any = language.stem
    info = stem.cache_info()
    assert (info.hits, info.misses) == (2, 5)


def test_a_builder_without_search_index_is_left_alone() -> None:
    app: Any = SimpleNamespace(builder=SimpleNamespace(indexer=None))
    cache_stems(app, new_document("page"), "index")
    assert app.builder.indexer is None
