"""The search index stems each word once, with the stems Sphinx's stemmer gives."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from docutils.utils import new_document
from sphinx.search.en import SearchEnglish

from qmsdoc.sphinxext.speedups.search_stems import STEMS_FILE, cache_stems, save_stems
from qmstest import SPEEDUPS_OFF, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.skipif(
    SPEEDUPS_OFF, reason="the speed-ups are off with the installed versions"
)


WORDS = ["flagging", "flagged", "results", "ranges", "flagging", "results", "risk"]


class CountingEnglish(SearchEnglish):
    """Sphinx's English search language, counting the words it really stems."""

    stemmed: list[str]

    def stem(self, word: str) -> str:
        self.stemmed.append(word)
        return super().stem(word)


def _app(language: Any, doctrees: Path) -> Any:
    language.stemmed = []
    return SimpleNamespace(
        builder=SimpleNamespace(indexer=SimpleNamespace(lang=language)),
        doctreedir=str(doctrees),
    )


def test_each_word_is_stemmed_once_with_the_stemmer_s_stem(tmp_path: Path) -> None:
    expected = [SearchEnglish({}).stem(word) for word in WORDS]
    language = CountingEnglish({})
    app = _app(language, tmp_path)
    cache_stems(app, new_document("page"), "index")
    cache_stems(app, new_document("page"), "other")  # wrapped once only
    assert [language.stem(word) for word in WORDS] == expected
    assert sorted(language.stemmed) == sorted(set(WORDS))


def test_stems_are_kept_for_the_next_build(tmp_path: Path) -> None:
    first = _app(CountingEnglish({}), tmp_path)
    cache_stems(first, new_document("page"), "index")
    stems = [first.builder.indexer.lang.stem(word) for word in WORDS]
    save_stems(first, None)
    assert (tmp_path / STEMS_FILE).is_file()
    second = _app(CountingEnglish({}), tmp_path)
    cache_stems(second, new_document("page"), "index")
    assert [second.builder.indexer.lang.stem(word) for word in WORDS] == stems
    assert second.builder.indexer.lang.stemmed == []  # all read from the file


def test_a_damaged_or_foreign_stems_file_is_ignored(tmp_path: Path) -> None:
    expected = [SearchEnglish({}).stem(word) for word in WORDS]
    for content in (
        "{not json",
        json.dumps({"key": ["en", "other.Stemmer", "0"], "stems": {"flagging": "X"}}),
        json.dumps({"key": None, "stems": []}),
        json.dumps([1, 2]),
    ):
        (tmp_path / STEMS_FILE).write_text(content, encoding="utf-8")
        app = _app(CountingEnglish({}), tmp_path)
        cache_stems(app, new_document("page"), "index")
        assert [app.builder.indexer.lang.stem(word) for word in WORDS] == expected


def test_a_builder_without_search_index_is_left_alone(tmp_path: Path) -> None:
    app: Any = SimpleNamespace(
        builder=SimpleNamespace(indexer=None), doctreedir=str(tmp_path)
    )
    cache_stems(app, new_document("page"), "index")
    save_stems(app, None)
    assert app.builder.indexer is None
    assert not (tmp_path / STEMS_FILE).exists()


def test_search_index_is_the_same_with_kept_stems(valid_root: Path) -> None:
    run = sphinx_build(valid_root, "-E")
    assert run.returncode == 0, run.stderr
    html = valid_root / "_build" / "html"
    first = (html / "searchindex.js").read_bytes()
    assert (html / ".doctrees" / STEMS_FILE).is_file()
    run = sphinx_build(valid_root, "-E")  # every page again, stems from the file
    assert run.returncode == 0, run.stderr
    assert (html / "searchindex.js").read_bytes() == first
