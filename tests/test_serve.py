"""``sitegen serve``: a real server (a subprocess on a free port of 127.0.0.1) over a
temporary copy of the scaffold; raw HTTP for the path-escape checks, and a real
Chromium (Playwright) for live reload. The subprocess is always stopped."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.commands.new import new_site
from generator.commands.serve import Rebuilder, Refused, resolve_request, with_error
from generator.config import load_config

START_TIMEOUT = 60.0
CHANGE_TIMEOUT = 30.0
TXT = "content/la-cuisine-de-mamie.txt"


# ------------------------------------------------------------------ helpers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raw_get(port: int, target: str, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    """Send ``GET <target>`` byte for byte (no client-side path normalisation)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode(
                "latin-1"
            )
        )
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    return status, headers, body


def get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wait_for(
    predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.05
) -> object:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (OSError, http.client.HTTPException) as exc:
            last_error = exc
        time.sleep(interval)
    raise AssertionError(
        f"timed out after {timeout} s waiting for {what} (last error: {last_error})"
    )


@dataclass
class Served:
    root: Path
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def edit(self, rel: str, text: str) -> None:
        (self.root / rel).write_text(text, encoding="utf-8")

    def append(self, rel: str, text: str) -> None:
        with open(self.root / rel, "a", encoding="utf-8") as handle:
            handle.write(text)

    def page_with(
        self, path: str, needle: str, present: bool = True, timeout: float = CHANGE_TIMEOUT
    ) -> str:
        def check() -> str | None:
            _status, body = get(self.port, path)
            return body if (needle in body) == present else None

        try:
            return wait_for(check, timeout, f"{needle!r} {'in' if present else 'gone from'} {path}")  # type: ignore[return-value]
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- serve output ---\n{self.output()}") from None

    def browser_wait(self, page, script: str) -> None:  # type: ignore[no-untyped-def]
        """``page.wait_for_function`` with the server's output in the failure message."""
        try:
            page.wait_for_function(script, timeout=CHANGE_TIMEOUT * 1000)
        except Exception as exc:  # noqa: BLE001 - playwright raises its own errors
            raise AssertionError(
                f"{type(exc).__name__}: {exc}\n--- serve output ---\n{self.output()}"
            ) from None


def start_server(root: Path, *args: str) -> Served:
    port = free_port()
    log = root.parent / f"serve-{port}.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--port", str(port), *args],
            cwd=root,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
        )
    served = Served(root, port, process, log)
    try:

        def up() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"serve exited with {process.returncode}:\n{served.output()}")
            return get(port, "/")[0] in (200, 404, 500)

        wait_for(up, START_TIMEOUT, "the server to answer", interval=0.1)
    except BaseException:
        stop(process)
        raise
    return served


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return new_site(tmp_path / "site").root


@pytest.fixture
def served(site: Path) -> Iterator[Served]:
    server = start_server(site)
    try:
        yield server
    finally:
        stop(server.process)


# ------------------------------------------------------- in-process units


def test_default_rebuild_analyses_only_the_edited_review_and_keeps_lexicons(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the build's persistent cache, an edit re-analyses one review, and no
    new Analyzer (textblob-fr lexicons) is made."""
    from generator.analysis.analyzer import Analyzer

    monkeypatch.chdir(site)
    analysed: list[str] = []
    created: list[object] = []
    real_analyze, real_init = Analyzer.analyze, Analyzer.__init__

    def analyze(self, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        analysed.append(text)
        return real_analyze(self, text, *args, **kwargs)

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        created.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(Analyzer, "analyze", analyze)
    monkeypatch.setattr(Analyzer, "__init__", init)
    rebuilder = Rebuilder(lambda: load_config(), echo=lambda _: None, echo_error=lambda _: None)
    assert rebuilder.first_build().error is None
    assert len(analysed) == 8
    analysers = len(created)
    for round_ in range(3):
        text = (site / TXT).read_text(encoding="utf-8").replace("drôle", f"drôle {round_}", 1)
        (site / TXT).write_text(text, encoding="utf-8")
        analysed.clear()
        assert rebuilder.rebuild([TXT]) is True
        assert len(analysed) == 1 and f"drôle {round_}" in analysed[0]
    assert len(created) == analysers <= 1


def test_failed_rebuild_keeps_last_good_output(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(site)
    messages: list[str] = []
    rebuilder = Rebuilder(lambda: load_config(), echo=messages.append, echo_error=messages.append)
    rebuilder.first_build()
    before = (site / "output/index.html").read_bytes()
    (site / "sitegen.toml").write_text('[site]\ntitle = "Mes avis\n', encoding="utf-8")
    assert rebuilder.rebuild(["sitegen.toml"]) is False
    assert rebuilder.state is not None and rebuilder.state.error
    assert "sitegen.toml" in rebuilder.state.error and "line 2" in rebuilder.state.error
    assert (site / "output/index.html").read_bytes() == before
    assert any("the build failed" in m for m in messages)
    (site / "sitegen.toml").write_text('[site]\ntitle = "Mes avis"\n', encoding="utf-8")
    assert rebuilder.rebuild(["sitegen.toml"]) is True
    assert rebuilder.state.error is None
    assert "Mes avis" in (site / "output/index.html").read_text(encoding="utf-8")


def test_what_serve_prints_shows_control_characters_escaped(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file name (or a problem, or an error) holding an ANSI escape or a bidi
    override cannot clear the terminal or fake a line (``exceptions.printable``)."""
    monkeypatch.chdir(site)
    messages: list[str] = []
    rebuilder = Rebuilder(lambda: load_config(), echo=messages.append, echo_error=messages.append)
    rebuilder.first_build()
    hostile = "content/\x1b[2Jvu\u202e.txt"
    (site / hostile).write_text("Un film drôle.\n", encoding="utf-8")
    (site / "sitegen.toml").write_text('[site]\ntitle = "A\x1b[31m', encoding="utf-8")
    assert rebuilder.rebuild([hostile, "sitegen.toml"]) is False
    assert messages and not any("\x1b" in m or "\u202e" in m for m in messages)
    assert any("Changed: content/\\x1b[2Jvu\\u202e.txt" in m for m in messages)
    assert any("the build failed" in m for m in messages)


@pytest.mark.parametrize(
    "raw",
    [
        "/../x",
        "/%2e%2e/x",
        "/..%2fx",
        "/a/%2E%2E/%2e%2E/x",
        "/.%2e/x",
        "relative",
        "/a\\..\\x",
        "/%00",
        "/%ff%fe",
    ],
)
def test_resolve_request_refuses_escapes(tmp_path: Path, raw: str) -> None:
    root = tmp_path / "out"
    (root / "a").mkdir(parents=True)
    with pytest.raises(Refused):
        resolve_request(root, raw)


def test_resolve_request_follows_symlinks_only_inside(tmp_path: Path) -> None:
    root = tmp_path / "out"
    root.mkdir()
    (root / "page.html").write_text("ok")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "alias.html").symlink_to(root / "page.html")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    assert resolve_request(root, "/alias.html") == (root / "page.html").resolve()
    assert resolve_request(root, "/") == root.resolve()
    with pytest.raises(Refused):
        resolve_request(root, "/leak.txt")


def test_error_overlay_is_escaped_and_placed_in_body() -> None:
    page = b"<html><head></head><body><p>site</p></body></html>"
    result = with_error(page, "content/x.csv:3: <script>alert(1)</script>").decode()
    assert "<p>site</p>" in result
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result and "<script>alert" not in result
    assert result.index("sitegen-build-error") < result.index("</body>")


# ------------------------------------------------------------- subprocess


def test_serves_site_with_livereload_and_stops(served: Served) -> None:
    status, headers, body = raw_get(served.port, "/")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert b"livereload.js" in body  # the reload script is injected
    assert headers.get("cache-control") == "no-store"
    status, headers, _ = raw_get(served.port, "/le-phare-des-brumes")
    assert status in (301, 302) and headers["location"] == "/le-phare-des-brumes/"
    status, _, body = raw_get(served.port, "/le-phare-des-brumes/")
    assert status == 200 and b"Le Phare des brumes" in body
    status, _, body = raw_get(served.port, "/no/such/page.html")
    not_found = (served.root / "output/404.html").read_bytes()
    assert status == 404 and body.startswith(not_found.split(b"</head>")[0])
    status, headers, _ = raw_get(served.port, "/static/style.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    assert "Serving" in served.output() and "127.0.0.1" in served.output()
    stop(served.process)
    assert served.process.returncode == 0
    assert "Stopped." in served.output()


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port`` (Linux /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as handle:
            next(handle)
            for line in handle:
                fields = line.split()
                address, _, hex_port = fields[1].partition(":")
                if int(hex_port, 16) == port and fields[3] == "0A":  # LISTEN
                    if len(address) == 8:
                        found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
                    else:
                        raw = b"".join(
                            bytes.fromhex(address[i : i + 8])[::-1] for i in range(0, 32, 8)
                        )
                        found.add(socket.inet_ntop(socket.AF_INET6, raw))
    return found


def test_listens_on_loopback_only_by_default(served: Served) -> None:
    if not os.path.exists("/proc/net/tcp"):
        pytest.skip("needs Linux /proc/net/tcp to list listening sockets")
    assert listening_addresses(served.port) == {"127.0.0.1"}


def test_path_escapes_are_refused(served: Served) -> None:
    secret = "TOP-SECRET-7f3a"
    (served.root / "secret.txt").write_text(secret, encoding="utf-8")  # beside output/
    output = served.root / "output"
    (output / "leak.txt").symlink_to(served.root / "secret.txt")
    (output / "leakdir").symlink_to(served.root)
    (output / "inside.html").symlink_to(output / "index.html")
    attempts = [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/static/../../secret.txt",
        "/static/%2e%2e/%2e%2e/secret.txt",
        "/static/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        f"/{served.root}/secret.txt",
        f"//{served.root.as_posix().lstrip('/')}/secret.txt",
        f"/%2f{served.root.as_posix().lstrip('/')}/secret.txt",
        "/etc/passwd",
        "//etc/passwd",
        f"http://127.0.0.1:{served.port}/../secret.txt",
        "/leak.txt",
        "/leakdir/secret.txt",
        "/leakdir/",
        "/.sitegen-output",
        "/%252e%252e/secret.txt",
        "/%00/../secret.txt",
    ]
    for target in attempts:
        status, _, body = raw_get(served.port, target)
        assert status != 200 or secret.encode() not in body, target
        assert secret.encode() not in body, target
        assert b"root:x:0:0" not in body, target
        assert status in (301, 302, 400, 403, 404), (target, status)
    # The same server does serve files, symlinks inside the output included.
    assert raw_get(served.port, "/index.html")[0] == 200
    assert raw_get(served.port, "/inside.html")[0] == 200
    assert served.process.poll() is None


def test_content_edit_is_served_after_atomic_swap(served: Served) -> None:
    # A small edit is renamed into place file by file...
    served.append(TXT, "Un film MARQUEURUNIQUE vraiment excellent, je recommande.\n")
    served.page_with("/la-cuisine-de-mamie/", "MARQUEURUNIQUE")
    assert "Changed:" in served.output()
    # ...a new subject swaps in a whole new output folder, which is served at once.
    old_inode = (served.root / "output").stat().st_ino
    (served.root / "content" / "nouveau-titre.txt").write_text(
        "Un second titre MARQUEURDEUX, très réussi et touchant.\n", encoding="utf-8"
    )
    served.page_with("/nouveau-titre/", "MARQUEURDEUX")
    served.page_with("/", "nouveau-titre/")
    assert (served.root / "output").stat().st_ino != old_inode  # a new folder was swapped in
    assert not list(served.root.glob(".output.sitegen-new-*")), "no staging folder left behind"


def test_broken_files_show_error_page_then_recover(served: Served) -> None:
    toml = served.root / "sitegen.toml"
    good = toml.read_text(encoding="utf-8")
    toml.write_text(good + '\ntitle = "jamais fermé\n', encoding="utf-8")
    body = served.page_with("/", "sitegen-build-error")
    assert "sitegen.toml" in body and "line" in body
    assert "la-cuisine-de-mamie" in body  # the last good page is still served underneath
    assert "invalid TOML" in served.output()
    toml.write_text(good, encoding="utf-8")
    served.page_with("/", "sitegen-build-error", present=False)

    template = served.root / "templates/index.html"
    template.write_text(
        '{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n', encoding="utf-8"
    )
    body = served.page_with("/", "sitegen-build-error")
    assert "index.html:3" in body
    template.unlink()
    body = served.page_with("/", "sitegen-build-error", present=False)
    assert "la-cuisine-de-mamie" in body


def test_strict_csv_error_names_file_and_line(site: Path) -> None:
    (site / "content/avis.csv").write_text(
        "text,subject,rating\nSuperbe film,Avis CSV,4\nBien,Avis CSV,douze\n", encoding="utf-8"
    )
    server = start_server(site, "--strict")
    try:
        body = server.page_with("/", "sitegen-build-error")
        assert "avis.csv:3" in body
        (site / "content/avis.csv").write_text(
            "text,subject,rating\nSuperbe film,Avis CSV,4\nBien,Avis CSV,3\n", encoding="utf-8"
        )
        server.page_with("/", "sitegen-build-error", present=False)
        server.page_with("/", "Avis CSV")
    finally:
        stop(server.process)


def test_busy_port_is_a_clear_error(site: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "generator", "serve", "--port", str(port)],
            cwd=site,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert f"port {port}" in result.stderr and "in use" in result.stderr


# ---------------------------------------------------------------- browser


def open_live(browser: object, url: str):  # type: ignore[no-untyped-def]
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(url)
    # The livereload client has connected and said hello (protocol 7).
    page.wait_for_function(
        "() => window.LiveReload && window.LiveReload.connector.protocol >= 7",
        timeout=CHANGE_TIMEOUT * 1000,
    )
    page.evaluate("() => { window.__sitegenNotReloaded = true }")
    return page


@pytest.mark.browser
def test_browser_shows_edit_without_manual_reload(served: Served, browser: object) -> None:
    page = open_live(browser, served.url + "la-cuisine-de-mamie/")
    assert "MARQUEURNAVIGATEUR" not in page.inner_text("body")
    served.append(TXT, "Un film MARQUEURNAVIGATEUR magnifique et touchant.\n")
    served.browser_wait(
        page,
        "() => document.body !== null && document.body.innerText.includes('MARQUEURNAVIGATEUR')",
    )
    # The page was reloaded by the server's message, not by us: our flag is gone.
    assert page.evaluate("() => window.__sitegenNotReloaded === undefined")


@pytest.mark.browser
def test_browser_error_page_then_recovery(served: Served, browser: object) -> None:
    page = open_live(browser, served.url)
    index = served.root / "templates/index.html"
    index.write_text(
        '{% extends "base.html" %}\n{% block main %}\n<p>{{ site.title }\n{% endblock %}\n',
        encoding="utf-8",
    )
    served.browser_wait(page, "() => document.querySelector('#sitegen-build-error') !== null")
    error = page.query_selector("#sitegen-build-error")
    assert error is not None
    text = error.inner_text()
    assert "the build failed" in text and "index.html:3" in text
    assert error.is_visible()
    index.write_text(
        '{% extends "base.html" %}\n{% block main %}\n<p id="fixed">Réparé : {{ site.subjects|length }} titres</p>\n{% endblock %}\n',
        encoding="utf-8",
    )
    served.browser_wait(page, "() => document.querySelector('#fixed') !== null")
    assert page.query_selector("#sitegen-build-error") is None
    assert "Réparé : 2 titres" in page.inner_text("#fixed")
