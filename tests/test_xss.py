"""No script injection: a site built from known XSS payloads in every field of every
format (and in sitegen.toml) runs none of them, in a parsed-HTML check and in a real
browser (Chromium through Playwright, ``-m browser``)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.commands.build import build
from generator.config import load_config
from generator.render import js_string, safe_json_text
from generator.site import display_title

# Each payload runs `window.__xss=1` or opens a dialog if it ever executes.
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload=window.__xss=1>',
    '\'><iframe src="javascript:window.parent.__xss=1"></iframe>',
    "</script><script>window.__xss=1</script>",
    "</SCRIPT ><script>alert(1)</script>",
    "javascript:window.__xss=1",
    '<a href="javascript:alert(1)">clic</a>',
    "<details open ontoggle=alert(1)>",
    "--></textarea></title><body onload=alert(1)>",
    "<!--<script>alert(1)//-->",
    "\u2028\u2029</script><script>alert(1)</script>",
    "{{ 7*7 }}{% raw %}<style>*{background:url(javascript:alert(1))}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]
WORDS = "Un film excellent, la mise en scène est superbe et les acteurs sont formidables."
BAD = "Un scénario décevant, une fin ratée et des dialogues médiocres."
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "srcset",
    "poster",
    "data",
    "background",
    "xlink:href",
    "ping",
}
DANGEROUS_URL = re.compile(r"^\s*(?:javascript|vbscript|data)\s*:", re.IGNORECASE)


def make_content(root: Path, payloads: list[str]) -> None:
    """A content folder with a payload in every field of every format."""
    content = root / "content"
    content.mkdir()
    names = [
        re.sub(r"[/\\\x00]", "", p)[:60] or "x" for p in payloads
    ]  # file names cannot hold "/"
    for n, (p, name) in enumerate(zip(payloads, names)):
        # .txt: the subject is the file name, the review the line.
        (content / f"{name} {n}.txt").write_text(f"{p} {WORDS}\n{BAD} {p}\n", encoding="utf-8")
        # .md with front matter, and the subject's index.md.
        folder = content / f"{name} md{n}"
        folder.mkdir()
        (folder / "index.md").write_text(
            "---\n"
            f"title: {json.dumps(p)}\nyear: {json.dumps(p)}\nimage: {json.dumps(p)}\n"
            f'---\n{p}\n\n[lien]({p}) [autre](javascript:alert(1)) <a href="javascript:alert(1)" onclick=alert(1)>a</a>\n',
            encoding="utf-8",
        )
        (folder / "avis.md").write_text(
            "---\n"
            f"author: {json.dumps(p)}\ndate: {json.dumps(p)}\ntitle: {json.dumps(p)}\nid: {json.dumps(p + str(n))}\n"
            f"rating: {json.dumps(p)}\n---\n{WORDS} {p}\n\n*{p}* [x]({p})\n",
            encoding="utf-8",
        )
        (folder / "avis2.md").write_text(
            f"---\nauteur: {json.dumps(p)}\nnote: 4\n---\n{BAD}\n", encoding="utf-8"
        )

    # .csv (;), .json, .jsonl: a payload in every column, the subject column included.
    def row(p: str, n: int, text: str) -> dict[str, object]:
        return {
            "film": f"{p} csv",
            "texte": f"{text} {p}",
            "note": 4 if n % 2 else p,
            "auteur": p,
            "date": p,
            "titre": p,
            "id": f"{p}{n}",
        }

    with open(content / "export.csv", "w", encoding="utf-8", newline="") as handle:
        import csv

        writer = csv.DictWriter(handle, fieldnames=list(row("", 0, "")), delimiter=";")
        writer.writeheader()
        for n, p in enumerate(payloads):
            writer.writerow(row(p, n, WORDS))
            writer.writerow(row(p, n + 1000, BAD))
    records = [{**row(p, n + 2000, WORDS), "film": f"{p} json"} for n, p in enumerate(payloads)]
    (content / "export.json").write_text(
        json.dumps({"reviews": records}, ensure_ascii=False), encoding="utf-8"
    )
    lines = [
        json.dumps({**row(p, n + 3000, BAD), "film": f"{p} jsonl"}, ensure_ascii=False)
        for n, p in enumerate(payloads)
    ]
    (content / "export.jsonl").write_text("\n".join(lines), encoding="utf-8")


def build_site(root: Path, payloads: list[str]) -> Path:
    make_content(root, payloads)
    p = payloads[0]
    (root / "sitegen.toml").write_text(
        'content_dir = "content"\noutput_dir = "site"\ntemplates_dir = "templates"\n'
        f"title = {json.dumps(p + ' </title><script>alert(1)</script>')}\n"
        f"description = {json.dumps(payloads[2])}\n"
        # A raw payload in base_url is refused by the config (tests/test_config.py);
        # what passes validation still reaches canonical, og and sitemap URLs.
        f"base_url = {json.dumps('https://exemple.fr/%22%3E%3Csvg%20onload=alert(1)%3E/javascript:alert(1)/')}\n"
        f"item_type = {json.dumps(payloads[4])}\n",
        encoding="utf-8",
    )
    config = load_config(root / "sitegen.toml")
    assert config.output_dir.is_relative_to(root) and config.content_dir.is_relative_to(root)
    report = build(config)
    assert report.reviews > 0
    return config.output_dir


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("xss"), PAYLOADS)


@pytest.fixture(scope="module")
def benign_tags(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The tags the theme itself uses, from a site built of harmless text."""
    output = build_site(
        tmp_path_factory.mktemp("benign"),
        ["Plaisant", "Très bien", "Correct", "Bof", "Long métrage"],
    )
    tags: set[str] = set()
    for page in output.rglob("*.html"):
        parser = PageParser()
        parser.feed(page.read_text(encoding="utf-8"))
        tags |= {tag for tag, _ in parser.starts}
    return tags


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.starts: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.starts.append((tag, attrs))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        else:
            self.text.append(data)


def pages(output: Path) -> list[Path]:
    found = sorted(output.rglob("*.html"))
    assert len(found) > 10
    return found


def test_no_injected_markup_in_parsed_html(hostile_site: Path, benign_tags: set[str]) -> None:
    from generator.readers.markdown import ALLOWED_TAGS

    allowed_tags = benign_tags | ALLOWED_TAGS
    for page in pages(hostile_site):
        parser = PageParser()
        parser.feed(page.read_text(encoding="utf-8"))
        parser.close()
        for tag, attrs in parser.starts:
            assert tag in allowed_tags, f"{page}: unexpected <{tag}> {attrs}"
            for name, value in attrs:
                assert not name.startswith("on"), f"{page}: <{tag} {name}={value!r}>"
                assert "xss" not in name and "alert" not in name, f"{page}: attribute {name!r}"
                if name in URL_ATTRIBUTES and value:
                    assert not DANGEROUS_URL.match(value), f"{page}: <{tag} {name}={value!r}>"
        for attrs, body in parser.scripts:
            if attrs.get("type") == "application/ld+json":
                data = json.loads(body)  # one valid JSON document: nothing broke out
                assert "</" not in body.lower() and "<!--" not in body
                assert isinstance(data, dict)
            else:
                assert "xss" not in body and "alert" not in body, (
                    f"{page}: script {attrs} {body[:80]!r}"
                )
        assert "\u2028" not in "".join(body for _, body in parser.scripts)


def test_payloads_are_shown_as_text_not_lost(hostile_site: Path) -> None:
    """Escaping, not deleting: the text of plain-text reviews shows the payload verbatim."""
    shown = ""
    for page in pages(hostile_site):
        parser = PageParser()
        parser.feed(page.read_text(encoding="utf-8"))
        shown += "".join(parser.text)
    for payload in PAYLOADS:
        visible = " ".join(payload.split())
        assert visible in " ".join(shown.split()), payload


def test_json_ld_holds_the_review_text_exactly(hostile_site: Path) -> None:
    bodies: list[str] = []
    for page in pages(hostile_site):
        parser = PageParser()
        parser.feed(page.read_text(encoding="utf-8"))
        for attrs, body in parser.scripts:
            if attrs.get("type") == "application/ld+json":
                bodies += [r["reviewBody"] for r in json.loads(body).get("review", [])]
    assert f"{PAYLOADS[4]} {WORDS}" in bodies


def test_data_json_is_inert_and_complete(hostile_site: Path) -> None:
    raw = (hostile_site / "data.json").read_text(encoding="utf-8")
    assert "<" not in raw and ">" not in raw
    data = json.loads(raw)
    for subject in data["subjects"]:  # each subject's own, with its reviews
        own = (hostile_site / subject["data"]).read_text(encoding="utf-8")
        assert "<" not in own and ">" not in own
        assert json.loads(own)["slug"] == subject["slug"]
    titles = {s["title"] for s in data["subjects"]}
    assert display_title(f"{PAYLOADS[0]} csv", None) in titles
    for subject in data["subjects"]:
        assert not DANGEROUS_URL.match(subject["url"]) and ".." not in subject["url"]


def test_every_written_path_stays_inside_the_output(hostile_site: Path) -> None:
    root = hostile_site.resolve()
    for path in hostile_site.rglob("*"):
        assert path.resolve().is_relative_to(root)
        assert re.fullmatch(r"[A-Za-z0-9._/-]+", path.relative_to(hostile_site).as_posix()), path


# --- in a real browser ------------------------------------------------------------

FIND_DANGER = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(el.tagName + ' ' + name);
      if (/^(javascript|vbscript|data):/.test(value) && ['href','src','action','formaction','xlink:href','srcdoc','data'].includes(name))
        found.push(el.tagName + ' ' + name + '=' + attr.value);
    }
  }
  return found;
}"""


@pytest.mark.browser
def test_no_payload_runs_in_chromium(hostile_site: Path, browser) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    errors: list[str] = []
    context = browser.new_context(java_script_enabled=True)
    try:
        # Nothing leaves the machine: only the built files load.
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith("file:") else route.abort()
            ),
        )
        page = context.new_page()
        page.on(
            "dialog",
            lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()),
        )
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        for html in pages(hostile_site):
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.wait_for_timeout(50)  # let onload/onerror/ontoggle handlers fire if any exist
            page.mouse.move(200, 200)
            for frame in page.frames:
                assert frame.evaluate("() => window.__xss === undefined"), f"payload ran in {html}"
            assert page.evaluate(FIND_DANGER) == [], html
            assert (
                page.evaluate(
                    "() => document.querySelectorAll('iframe, object, embed, base, svg script').length"
                )
                == 0
            ), html
    finally:
        context.close()
    assert dialogs == []
    assert not [e for e in errors if "xss" in e or "alert" in e]


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet='<>&\u2028\u2029a’\\/"é', max_size=20))
def test_safe_json_text_escapes_every_unsafe_character_and_reads_back(text: str) -> None:
    """``safe_json_text`` leaves no ``<``, ``>``, ``&`` or line separator in the
    JSON, and JSON reads it back as the same text."""
    safe = safe_json_text(json.dumps(text, ensure_ascii=False))
    assert not set(safe) & set("<>&\u2028\u2029")
    assert json.loads(safe) == text


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet='<>&\u2028\u2029a’\\/"é', max_size=20))
def test_js_string_escapes_only_the_line_separators_and_reads_back(text: str) -> None:
    """``js_string`` (cards.js) is ``json.dumps`` of the text with the two line
    separators escaped, and nothing else: ``<``, ``>`` and ``&`` stay as they are."""
    literal = js_string(text)
    expected = json.dumps(text, ensure_ascii=False)
    assert literal == expected.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    assert not set(literal) & set("\u2028\u2029")
    assert json.loads(literal) == text
