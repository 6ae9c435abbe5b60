"""Hostile inputs for the parsers (issue 18, classes 4, 5 and 6): time linear in the
input, Markdown rendered within limits (a failure is that file's problem), memory
bounded for any one file.

Time is asserted on operation counts, never on the clock: lines of Python executed
for 10x the input against the input (``sys.settrace``), characters handed to the
csv parser or scanned for line numbers against the file's length, calls to the
Markdown renderer. Memory on tracemalloc's peak relative to the file's size."""

from __future__ import annotations

import csv
import io
import json
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

import generator
import generator.readers.json as json_reader
import generator.readers.markdown as md
from generator.commands.build import build
from generator.config import SiteConfig
from generator.readers import read_content, table
from generator.readers.table import MAX_FIELD_CHARS


def read(folder: Path):
    return read_content(SiteConfig(content_dir=folder))


def python_lines(folder: Path) -> int:
    """Lines of sitegen's Python executed reading ``folder`` (``sys.settrace``): an
    operation count, the same on a loaded machine as on a quiet one."""
    count = 0
    package = str(Path(generator.__file__).parent)

    def tracer(frame, event, arg):
        nonlocal count
        if not frame.f_code.co_filename.startswith(package):
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        read(folder)
    finally:
        sys.settrace(None)
    return count


def assert_linear(tmp_path: Path, name: str, make: Callable[[int], str], n: int) -> None:
    """Reading ``make(10 n)`` executes at most 12 times the lines ``make(n)`` does
    (a loop over the previous reviews for each review makes it about 100 times)."""
    counts = []
    for size in (n, 10 * n):
        folder = tmp_path / f"{size}"
        folder.mkdir()
        (folder / name).write_bytes(make(size).encode("utf-8"))
        counts.append(python_lines(folder))
    small, large = counts
    assert large <= 12 * small, (
        f"{name}: {small:,} lines for {n:,}, {large:,} for {10 * n:,} ({large / small:.0f}x)"
    )


class CountingCsv:
    """Stands for the csv module in ``readers.table``: counts the characters handed
    to its parser (the text of a ``StringIO``, or the lines pulled from an iterable)."""

    def __init__(self) -> None:
        self.given = 0

    def __getattr__(self, name: str):
        return getattr(csv, name)

    def reader(self, source, *args, **kwargs):
        if isinstance(source, io.StringIO):
            self.given += len(source.getvalue())
            return csv.reader(source, *args, **kwargs)

        def counted():
            for line in source:
                self.given += len(line)
                yield line

        return csv.reader(counted(), *args, **kwargs)


def test_csv_rows_each_opening_a_quote_never_closed_read_in_linear_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "texte,note\n" + "".join(f'"ouvert {i} jamais fermé,4\n' for i in range(2000))
    (tmp_path / "q.csv").write_text(text, encoding="utf-8")
    counting = CountingCsv()
    monkeypatch.setattr(table, "csv", counting)
    corpus = read(tmp_path)
    assert counting.given <= 4 * len(text), (
        f"{counting.given / len(text):.0f}x the file handed to the csv parser"
    )
    assert len(corpus.reviews) == 2000  # each row read again without quotes, and reported
    assert (
        all("unbalanced quote" in p.message for p in corpus.problems)
        and len(corpus.problems) == 2000
    )


class CountingStr(str):
    """A text that counts the characters its ``count`` method scans."""

    scanned = 0

    def count(self, sub, start=0, end=None):  # type: ignore[override]
        CountingStr.scanned += (len(self) if end is None else min(end, len(self))) - start
        return super().count(sub, start, end)


def test_json_list_line_numbers_in_linear_time(tmp_path: Path) -> None:
    records = [{"texte": f"Avis numéro {i}, très bien.", "note": 4} for i in range(3000)]
    text = CountingStr(json.dumps(records, ensure_ascii=False, indent=2))
    CountingStr.scanned = 0
    lines = json_reader._object_lines(text)
    assert lines[:3] == [2, 6, 10] and len(lines) == 3000  # the line where each object starts
    assert CountingStr.scanned <= 2 * len(text), (
        f"{CountingStr.scanned / len(text):.0f}x the text scanned for line numbers"
    )
    (tmp_path / "a.json").write_text(text, encoding="utf-8")
    assert [r.line for r in read(tmp_path).reviews] == lines


def test_identical_reviews_of_one_subject_in_linear_time(tmp_path: Path) -> None:
    assert_linear(tmp_path, "produit.csv", lambda n: "texte;note\n" + "Très bien.;5\n" * n, 300)
    corpus = read(tmp_path / "300")
    ids = [r.id for r in corpus.reviews]
    assert len(set(ids)) == 300 and ids[1] == ids[0] + "-2" and ids[-1] == f"{ids[0]}-300"


def test_tsv_of_lone_cr_rows_in_linear_time(tmp_path: Path) -> None:
    # As product exports have them: CR line ends, the same short review again and again.
    assert_linear(tmp_path, "cr.tsv", lambda n: "texte\tnote\r" + "Très bien.\t5\r" * n, 300)
    corpus = read(tmp_path / "300")
    assert len(corpus.reviews) == 300 and [r.line for r in corpus.reviews[:2]] == [2, 3]


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the calls to Python-Markdown (each with the length of its input)."""
    calls: list[int] = []
    real = md.markdown_lib.markdown

    def counting(text: str, **kwargs):
        calls.append(len(text))
        return real(text, **kwargs)

    monkeypatch.setattr(md.markdown_lib, "markdown", counting)
    return calls


@pytest.mark.parametrize("body", ["[a](" * 4000, "![a](" * 3000, "<a " * 5000, "[a]((" * 3000])
def test_markdown_link_openers_are_refused_before_rendering(
    tmp_path: Path, renders: list[int], body: str
) -> None:
    (tmp_path / "film").mkdir()
    (tmp_path / "film" / "piege.md").write_text("---\nnote: 4\n---\n" + body, encoding="utf-8")
    (tmp_path / "film" / "bon.md").write_text(
        '---\nnote: 4\n---\nUn [beau](https://example.org/a_(b) "titre") film, <em>vraiment</em>.\n',
        encoding="utf-8",
    )
    corpus = read(tmp_path)
    [review] = corpus.reviews
    assert (
        '<a href="https://example.org/a_(b)"' in review.body_html
        and review.text == "Un beau film, vraiment."
    )
    [problem] = corpus.problems
    assert (
        Path(problem.path).name == "piege.md"
        and problem.line == 4
        and "too many unclosed links" in problem.message
    )
    assert (
        len(renders) == 2 and max(renders) < 100
    )  # only the good review was rendered (its HTML and its text)


def test_markdown_size_is_checked_before_rendering(tmp_path: Path, renders: list[int]) -> None:
    (tmp_path / "long.md").write_text(
        "Bien. " * (md.MAX_MARKDOWN_CHARS // 6 + 10), encoding="utf-8"
    )
    corpus = read(tmp_path)
    assert corpus.reviews == [] and renders == []
    [problem] = corpus.problems
    assert "characters long" in problem.message and problem.line == 1


def test_markdown_limits_are_linear_and_keep_ordinary_reviews() -> None:
    sentence = "Un *beau* film ([fiche](https://example.org/f)), joué <em>juste</em>, par des acteurs que j'aime beaucoup. "
    ordinary = (sentence * 12 + "\n\n") * 30  # a link and a tag in every sentence
    assert len(ordinary) < md.MAX_MARKDOWN_CHARS and md.markdown_limits(ordinary) == ""
    # The work estimate bounds Python-Markdown's: refused bodies are those whose
    # openers times paragraph length exceed 64 per character.
    assert md.markdown_limits("[a](" * 100) == ""
    assert md.markdown_limits("[a](" * 4000) != ""


def test_nested_markdown_blocks_are_a_problem_for_that_file(
    tmp_path: Path, renders: list[int]
) -> None:
    (tmp_path / "film").mkdir()
    nested = '<div markdown="1">\n' * 500 + "Très bien.\n" + "</div>\n" * 500
    (tmp_path / "film" / "profond.md").write_text(
        "---\nauteur: X\n---\n" + nested, encoding="utf-8"
    )
    (tmp_path / "film" / "ok.md").write_text("Un film réussi.\n", encoding="utf-8")
    (tmp_path / "autre.txt").write_text("Superbe.\n", encoding="utf-8")
    corpus = read(tmp_path)
    assert sorted(r.text for r in corpus.reviews) == ["Superbe.", "Un film réussi."]
    [problem] = corpus.problems
    assert (
        Path(problem.path).name == "profond.md"
        and problem.line == 4
        and "nested 500 levels" in problem.message
    )
    assert all(n < 100 for n in renders)  # refused before rendering


def test_a_renderer_failure_is_that_files_problem_and_the_site_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    (content / "film").mkdir(parents=True)
    (content / "film" / "a.md").write_text("Boum.\n", encoding="utf-8")
    (content / "film" / "b.md").write_text("Très bien.\n", encoding="utf-8")
    real = md.markdown_lib.markdown

    def failing(text: str, **kwargs):
        if "Boum" in text:
            raise RecursionError("maximum recursion depth exceeded")
        return real(text, **kwargs)

    monkeypatch.setattr(md.markdown_lib, "markdown", failing)
    config = SiteConfig(
        config_path=tmp_path / "sitegen.toml",
        content_dir=content,
        output_dir=tmp_path / "out",
        templates_dir=tmp_path / "t",
    )
    report = build(config, executor="serial", cache=False)
    assert report.reviews == 1 and (tmp_path / "out" / "index.html").is_file()
    [problem] = report.errors
    assert (
        Path(problem.path).name == "a.md"
        and problem.line == 1
        and "nested too deeply" in problem.message
    )


def _peak(folder: Path) -> int:
    tracemalloc.start()
    try:
        read(folder)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_for_one_huge_quoted_csv_field_is_bounded(tmp_path: Path) -> None:
    # On one line, and over many lines: both once made 12-14x the file's size.
    (tmp_path / "a").mkdir()
    one_line = 'texte\n"' + "y" * (6 * 2**20) + '"\nsuite\n'
    (tmp_path / "a" / "gros.csv").write_text(one_line)
    (tmp_path / "b").mkdir()
    many_lines = 'texte\n"' + ("y" * 99 + "\n") * 60_000 + '"\nsuite\n'
    (tmp_path / "b" / "gros.csv").write_text(many_lines)
    for folder, size in ((tmp_path / "a", len(one_line)), (tmp_path / "b", len(many_lines))):
        peak = _peak(folder)
        assert peak < 4 * size, f"{folder.name}: peak {peak / size:.1f}x the file"
        corpus = read(folder)
        assert [r.text for r in corpus.reviews] == ["suite"]
        [problem] = corpus.problems
        assert problem.line == 2 and f"{MAX_FIELD_CHARS:,} characters" in problem.message


def test_a_quote_never_closed_after_a_huge_field_does_not_swallow_the_file(tmp_path: Path) -> None:
    (tmp_path / "g.csv").write_text(
        'texte;note\nok;1\n"jamais' + "z" * (MAX_FIELD_CHARS + 10) + "\nfin;4\n"
    )
    corpus = read(tmp_path)
    assert [(r.text, r.line) for r in corpus.reviews] == [("ok", 2), ("fin", 4)]
    [problem] = corpus.problems
    assert problem.line == 3 and "never closed" in problem.message
