"""``sitegen serve``: build, serve the output on 127.0.0.1, rebuild on change, reload.

One process does it all, on the ``livereload`` (tornado) event loop:

- a watcher polls ``content/``, ``templates/`` and ``sitegen.toml`` every
  ~75 ms (stat only) and, on a change, rebuilds in-process with
  :func:`generator.commands.build.build`. Analyses are memoised per review text and
  settings across rebuilds, and the analyzer (textblob-fr lexicons) stays loaded,
  so an edit re-analyses only the reviews whose text changed;
- the open tabs are told to reload through livereload's websocket;
- a rebuild that fails leaves the last good site in the output folder (the build
  swaps it atomically only on success); the error is printed in the terminal and
  laid over every page until a rebuild succeeds;
- the site is served by path from the *current* output folder (the build swaps the
  folder by renaming it), and never a file outside it: ``..`` segments (raw or
  percent-encoded), hidden files and symlinks leading out are refused;
- only the server's own names are answered (``HostGuard``: a DNS-rebinding page
  gets 421), the livereload websocket and ``/forcereload`` only from the server's
  own pages (``Origin`` / ``Sec-Fetch-Site``), and a folder's redirect never leaves
  the site (``//folder`` redirects to ``/folder/``, not to a scheme-relative URL).
"""

from __future__ import annotations

import errno
import html
import ipaddress
import logging
import mimetypes
import os
import re
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from livereload import Server
from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher
from tornado import ioloop, web

from generator.config import CONFIG_FILENAME, SiteConfig
from generator.exceptions import ConfigError, SitegenError, UnsafeOutputError, printable

log = logging.getLogger(__name__)

POLL_SECONDS = 0.075
IGNORED_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", "~", ".pyc")


# --------------------------------------------------------------------------- build


@dataclass
class ServeState:
    """What the server shows: the output folder, and the error of the last build."""

    output: Path
    config: SiteConfig | None = None
    error: str | None = None
    builds: int = 0
    last_good: float | None = None


@dataclass
class Rebuilder:
    """Builds the site, remembering analyses; never raises for a broken site."""

    load_config: Callable[[], SiteConfig]
    strict: bool = False
    echo: Callable[[str], None] = field(default=lambda text: print(text, flush=True))
    echo_error: Callable[[str], None] = field(
        default=lambda text: print(text, file=sys.stderr, flush=True)
    )

    def say(self, text: str) -> None:
        """A line for the terminal, with its control characters shown escaped
        (``exceptions.printable``: a file name cannot clear the screen)."""
        self.echo(printable(text, newlines=True))

    def warn(self, text: str) -> None:
        """``say``, on the error stream."""
        self.echo_error(printable(text, newlines=True))

    state: ServeState | None = None
    last_report: Any = None

    def first_build(self) -> ServeState:
        """The initial build. A broken config or an unsafe output folder stops ``serve``
        (exit 2, nothing to serve yet); broken content or templates are served as an
        error page until fixed."""
        config = self.load_config()
        self.state = ServeState(output=config.output_dir.resolve(), config=config)
        try:
            self._build(config)
        except UnsafeOutputError:
            raise
        except Exception as exc:  # noqa: BLE001 - shown to the user, serve goes on
            self._failed(exc)
        return self.state

    def rebuild(self, changed: Sequence[str] = ()) -> bool:
        assert self.state is not None, "first_build() first"
        if changed:
            shown = ", ".join(_short(p) for p in changed[:3]) + (" …" if len(changed) > 3 else "")
            self.say(f"Changed: {shown}")
        try:
            config = self.load_config()
            self._build(config)
        except Exception as exc:  # noqa: BLE001 - shown to the user, serve goes on
            self._failed(exc)
            return False
        return True

    def _build(self, config: SiteConfig) -> None:
        from generator.commands import build as build_module

        assert self.state is not None
        started = time.perf_counter()
        # The build's persistent cache re-analyses only edited reviews and re-renders
        # only changed subjects; the process keeps its analyzer (lexicons) loaded.
        report = build_module.build(config, strict=self.strict)
        self.last_report = report
        for problem in report.problems:
            kind = "error" if problem.severity == "error" else "warning"
            self.warn(f"{kind}: {problem}")
        recovered = self.state.error is not None
        self.state.output = config.output_dir.resolve()
        self.state.config = config
        self.state.error = None
        self.state.builds += 1
        self.state.last_good = time.time()
        ms = (time.perf_counter() - started) * 1000
        self.say(
            f"{'Fixed — rebuilt' if recovered else 'Built'} {report.subjects} subject(s), "
            f"{report.reviews} reviews in {ms:.0f} ms"
        )

    def _failed(self, exc: BaseException) -> None:
        assert self.state is not None
        if isinstance(exc, SitegenError):
            message = str(exc)
        else:
            message = f"unexpected error: {type(exc).__name__}: {exc}\n\n{traceback.format_exc()}"
        self.state.error = message
        self.warn(f"error: the build failed; still serving the last good site.\n{message}")


def _short(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


# ------------------------------------------------------------------------- watcher


def watched_paths(config: SiteConfig | None, config_file: Path) -> list[Path]:
    paths = [config_file]
    if config is not None:
        paths += [config.content_dir, config.templates_dir]
    return [p.absolute() for p in paths]


class SiteWatcher(Watcher):
    """Polls the site's sources by stat; on any change, rebuilds, then tells
    livereload to reload the tabs (path ``*``: a full page reload)."""

    def __init__(
        self,
        paths: Callable[[], list[Path]],
        on_change: Callable[[list[str]], Any],
        ignore_dirs: Callable[[], list[Path]] = list,
        interval: float = POLL_SECONDS,
    ) -> None:
        super().__init__()
        self._paths = paths
        self._on_change = on_change
        self._ignore_dirs = ignore_dirs
        self.interval = interval
        self._tasks["sitegen sources"] = {"func": None, "delay": None, "ignore": None, "mtimes": {}}
        self._snapshot = self.scan()

    def scan(self) -> dict[str, tuple[int, int]]:
        """path -> (mtime_ns, size) of every watched file; ``-1`` marks a missing one."""
        seen: dict[str, tuple[int, int]] = {}
        ignored = [str(p) for p in self._ignore_dirs()]
        for root in self._paths():
            try:
                info = os.stat(root)
            except OSError:
                seen[str(root)] = (-1, -1)
                continue
            if not os.path.isdir(root):
                seen[str(root)] = (info.st_mtime_ns, info.st_size)
                continue
            for folder, dirs, files in os.walk(root):
                dirs[:] = [
                    d
                    for d in dirs
                    if not d.startswith(".")
                    and d != "__pycache__"
                    and os.path.join(folder, d) not in ignored
                ]
                for name in files:
                    if name.startswith((".", "#")) or name.endswith(IGNORED_SUFFIXES):
                        continue
                    path = os.path.join(folder, name)
                    try:
                        stat = os.stat(path)
                    except OSError:
                        continue
                    seen[path] = (stat.st_mtime_ns, stat.st_size)
        return seen

    def examine(self) -> tuple[str | None, Any]:
        if self._changes:  # livereload's own "reload after restart" request
            return self._changes.pop()
        self.filepath = None
        current = self.scan()
        if current == self._snapshot:
            return None, None
        changed = sorted(
            path
            for path in set(current) | set(self._snapshot)
            if current.get(path) != self._snapshot.get(path)
        )
        self._snapshot = current
        self._on_change(changed)
        self.filepath = "*"
        return "*", None

    def start(self, callback: Callable[[], Any]) -> bool:
        ioloop.PeriodicCallback(callback, self.interval * 1000).start()
        return True


# -------------------------------------------------------------------------- server

ERROR_STYLE = (
    "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;"
    "background:#fff8f6;color:#1d1d1d;font:16px/1.5 system-ui,sans-serif;text-align:left"
)


def error_panel(message: str) -> str:
    return (
        f'<div id="sitegen-build-error" role="alert" style="{ERROR_STYLE}">'
        '<h1 style="color:#a4000f;font-size:1.6rem;margin:0 0 1rem">sitegen: the build failed</h1>'
        '<pre style="white-space:pre-wrap;font:14px/1.45 ui-monospace,monospace;background:#fff;'
        'border:1px solid #e5b9b3;padding:1rem;margin:0 0 1rem">'
        f"{html.escape(message)}</pre>"
        "<p>The last good build is still in the output folder. Fix the file: this page "
        "reloads by itself when the site builds again.</p></div>"
    )


def error_page(message: str) -> bytes:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Build error · sitegen</title></head>"
        f"<body>{error_panel(message)}</body></html>\n"
    ).encode()


def with_error(page: bytes, message: str) -> bytes:
    panel = error_panel(message).encode("utf-8")
    index = page.rfind(b"</body>")
    if index == -1:
        return page + panel
    return page[:index] + panel + page[index:]


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def resolve_request(root: Path, raw_path: str) -> Path:
    """The file under ``root`` that the request path names, or :class:`Refused`.

    ``raw_path`` is the path as sent (percent-encoded). Refused: anything not starting
    with ``/``, undecodable bytes, NUL or backslash, ``.``/``..`` or hidden segments
    (decoded or not), and any path whose real location (symlinks followed) is not
    inside ``root``. A folder's path names its ``index.html``.
    """
    if not raw_path.startswith("/"):
        raise Refused(400, "bad request path")
    try:
        decoded = unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "bad request path") from None
    if "\x00" in decoded or "\\" in decoded:
        raise Refused(400, "bad request path")
    parts = [part for part in decoded.split("/") if part]
    if any(part in (".", "..") for part in parts):
        raise Refused(403, "path outside the site")
    if any(part.startswith(".") for part in parts):
        raise Refused(404, "not found")
    real_root = Path(os.path.realpath(root))
    candidate = Path(os.path.realpath(os.path.join(real_root, *parts))) if parts else real_root
    if candidate != real_root and not candidate.is_relative_to(real_root):
        raise Refused(403, "path outside the site")
    return candidate


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::")


class HostGuard:
    """Which ``Host`` headers and origins are the server's own.

    A name is the server's own when it is a loopback name (``127.0.0.1``,
    ``localhost``, ``[::1]``) or the address it listens on; listening on every
    interface (``0.0.0.0``, ``::``), any IP address and this machine's host name
    too (an IP address cannot be re-pointed by DNS, so no rebinding page reaches
    the server through one). Names given with ``--allow-host`` are its own too
    (a name the user chose, e.g. to preview from a phone as ``laptop.local``).
    The port must be the one it listens on.
    """

    def __init__(self, host: str, port: int, allowed: Sequence[str] = ()) -> None:
        self.host = host
        self.port = port
        names = {*LOOPBACK_NAMES, host.lower().strip("[]")}
        names |= {name.lower().strip("[]") for name in allowed}
        if host in WILDCARD_HOSTS:  # (looked up once: getfqdn may ask the DNS)
            names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        self.names = frozenset(names)

    def host_ok(self, header: str | None) -> bool:
        if header is None:
            return True  # HTTP/1.0 without Host: not a browser, no name to rebind
        try:
            parts = urlsplit(f"//{header}")
            port = parts.port
        except ValueError:
            return False
        name = parts.hostname or ""
        if (
            parts.username is not None
            or parts.password is not None
            or parts.path
            or parts.query
            or parts.fragment
        ):
            return False
        if (port if port is not None else 80) != self.port:
            return False
        if name in self.names:
            return True
        if self.host in WILDCARD_HOSTS:
            try:
                ipaddress.ip_address(name)
            except ValueError:
                return False
            return True
        return False

    def same_origin(self, origin: str | None, host: str | None) -> bool:
        """``origin`` (an ``Origin`` header) is a page of this server, as reached
        through ``host`` (the request's ``Host``)."""
        if not origin or host is None or not self.host_ok(host):
            return False
        try:
            parts = urlsplit(origin)
        except ValueError:
            return False
        return parts.scheme == "http" and parts.netloc.lower() == host.lower()


class _Guarded(web.RequestHandler):
    """Answers only requests naming the server's own host (421 otherwise)."""

    guard: HostGuard

    def prepare(self) -> None:
        if not self.guard.host_ok(self.request.headers.get("Host")):
            self.set_status(421)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("421 this server answers only for its own address (127.0.0.1, localhost)\n")

    def from_own_page(self) -> bool:
        """The request comes from one of the server's pages, or is typed by the user
        (``Sec-Fetch-Site``; older browsers: ``Origin``)."""
        fetch_site = self.request.headers.get("Sec-Fetch-Site")
        if fetch_site in ("same-origin", "none"):
            return True
        return self.guard.same_origin(
            self.request.headers.get("Origin"), self.request.headers.get("Host")
        )


class GuardedLiveReload(LiveReloadHandler):
    """livereload's websocket, for the server's own pages only (livereload accepts
    any ``Origin``: any site could watch the tabs and keep them busy)."""

    def initialize(self, guard: HostGuard) -> None:
        self.guard = guard

    prepare = _Guarded.prepare

    def check_origin(self, origin: str) -> bool:
        return self.guard.same_origin(origin, self.request.headers.get("Host"))


class GuardedForceReload(ForceReloadHandler, _Guarded):
    """``/forcereload`` reloads every open tab: only from the server's own pages."""

    def initialize(self, guard: HostGuard) -> None:
        self.guard = guard

    def get(self) -> None:
        if not self.from_own_page():
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("403 /forcereload is accepted only from this server's own pages\n")
            return
        super().get()


class GuardedLiveReloadJS(LiveReloadJSHandler, _Guarded):
    def initialize(self, guard: HostGuard) -> None:
        self.guard = guard


class SiteHandler(_Guarded):
    """Serves the current output folder by path, with the build error laid over pages."""

    SUPPORTED_METHODS = ("GET", "HEAD")

    def initialize(self, state: ServeState, guard: HostGuard | None = None) -> None:
        self.state = state
        self.guard = guard or HostGuard("127.0.0.1", 0)

    def compute_etag(self) -> None:
        return None

    def get(self) -> None:
        self._serve()

    def head(self) -> None:
        self._serve()

    def _serve(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        root = self.state.output
        try:
            target = resolve_request(root, self.request.path)
        except Refused as exc:
            self._plain(exc.status, str(exc))
            return
        if target.is_dir():
            if not self.request.path.endswith("/"):
                query = f"?{self.request.query}" if self.request.query else ""
                # One leading slash: "//folder/" would be another host (scheme-relative).
                self.redirect("/" + self.request.path.lstrip("/") + "/" + query, permanent=False)
                return
            target = target / "index.html"
        if not target.is_file():
            self._not_found(root)
            return
        try:
            data = target.read_bytes()
        except OSError:
            self._not_found(root)
            return
        self._send(200, data, target.name)

    def _not_found(self, root: Path) -> None:
        page = Path(os.path.realpath(root)) / "404.html"
        if page.is_file():
            self._send(404, page.read_bytes(), "404.html")
        elif self.state.error:
            self._send(500, error_page(self.state.error), "error.html", overlay=False)
        else:
            self._plain(404, "not found")

    def _send(self, status: int, data: bytes, name: str, overlay: bool = True) -> None:
        content_type, _ = mimetypes.guess_type(name)
        content_type = content_type or "application/octet-stream"
        if content_type.startswith("text/") or content_type in (
            "application/json",
            "application/javascript",
            "image/svg+xml",
            "application/xml",
        ):
            content_type += "; charset=utf-8"
        if overlay and self.state.error and content_type.startswith("text/html"):
            data = with_error(data, self.state.error)
        self.set_status(status)
        self.set_header("Content-Type", content_type)
        if self.request.method != "HEAD":
            self.write(data)
        self.finish()

    def _plain(self, status: int, reason: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status} {reason}\n" if self.request.method != "HEAD" else None)


class SiteServer(Server):
    """livereload's server with our handler (serve by path, confined to the output)."""

    def __init__(self, state: ServeState, watcher: Watcher, allowed: Sequence[str] = ()) -> None:
        super().__init__(watcher=watcher)
        self.state = state
        self.allowed = tuple(allowed)  # --allow-host

    def get_web_handlers(self, script: bytes) -> list[tuple[Any, ...]]:
        return [(r".*", SiteHandler, {"state": self.state})]

    def application(
        self, port: int, host: str, liveport: Any = None, debug: Any = None, live_css: bool = True
    ) -> None:
        """livereload's ``Server.application`` with every handler behind the
        ``HostGuard`` (livereload's own answer any host and origin)."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        guard = HostGuard(host, port, self.allowed)
        handlers = [
            (r"/livereload", GuardedLiveReload, {"guard": guard}),
            (r"/forcereload", GuardedForceReload, {"guard": guard}),
            (r"/livereload.js", GuardedLiveReloadJS, {"guard": guard}),
            (r".*", SiteHandler, {"state": self.state, "guard": guard}),
        ]

        class Injector(LiveScriptInjector):
            script = LIVE_SCRIPT

        web.Application(handlers=handlers, debug=False, transforms=[Injector]).listen(
            port, address=host
        )

    def _setup_logging(self) -> None:
        """Quiet: ``serve`` prints its own lines; livereload's errors still show."""


# livereload's loader: livereload.js from the page's own host and port.
LIVE_SCRIPT = (
    b'<script type="text/javascript">(function(){'
    b'var s=document.createElement("script");'
    b"var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
    b's.src="//"+window.location.hostname+":"+port'
    b'+ "/livereload.js?port=" + port;'
    b"document.head.appendChild(s);"
    b"})();</script>"
)


# --------------------------------------------------------------------------- entry


def _stop_on_sigterm() -> None:
    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (tests calling serve() in a thread)
        pass


# A name for --allow-host: letters, digits, dots and hyphens (or an IPv6 address in
# brackets); no port, user or path: the port is the one served.
_HOST_NAME = re.compile(r"[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]")


def url_for(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(
    load_config: Callable[[], SiteConfig],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    strict: bool = False,
    config_file: Path | None = None,
    interval: float = POLL_SECONDS,
    echo: Callable[[str], None] | None = None,
    echo_error: Callable[[str], None] | None = None,
    allow_hosts: Sequence[str] = (),
) -> None:
    """Build, then serve and rebuild until interrupted (Ctrl-C or SIGTERM).
    ``allow_hosts``: more names the server answers to (``HostGuard``).

    Raises :class:`ConfigError` / :class:`UnsafeOutputError` when there is nothing to
    serve (broken ``sitegen.toml`` at start, unsafe output folder, port in use).
    """
    if not 0 < port < 65536:
        raise ConfigError(f"--port must be between 1 and 65535, not {port}")
    if not host.strip():
        raise ConfigError(
            "--host is empty; give an address: 127.0.0.1 (the default) or 0.0.0.0 for the network"
        )
    for name in allow_hosts:
        if not _HOST_NAME.fullmatch(name):
            raise ConfigError(
                f"--allow-host {printable(name)!r} is not a host name or address "
                "(e.g. laptop.local, preview.example.org, 192.168.1.20)"
            )
    rebuilder = Rebuilder(load_config, strict=strict)
    if echo:
        rebuilder.echo = echo
    if echo_error:
        rebuilder.echo_error = echo_error
    state = rebuilder.first_build()
    config_path = (
        config_file
        or (state.config.config_path if state.config else None)
        or Path.cwd() / CONFIG_FILENAME
    )

    def ignore_dirs() -> list[Path]:
        out = state.output
        return [out, *out.parent.glob(f".{out.name}.sitegen-*")]

    watcher = SiteWatcher(
        paths=lambda: watched_paths(state.config, config_path),
        on_change=rebuilder.rebuild,
        ignore_dirs=ignore_dirs,
        interval=interval,
    )
    # livereload waits 3 s between two reloads by default; every rebuild must show.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    server = SiteServer(state, watcher, allow_hosts)
    _stop_on_sigterm()
    say = rebuilder.say
    if host not in ("127.0.0.1", "localhost", "::1"):
        rebuilder.warn(
            f"warning: listening on {host}: other machines on the network can see this preview"
        )
    say(
        f"Serving {state.output} on {url_for(host, port)} (watching the content, templates and {config_path.name}; Ctrl-C stops)"
    )
    try:
        server.serve(
            port=port,
            host=host,
            root=str(state.output),
            open_url_delay=0.3 if open_browser else None,
            live_css=False,
        )
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"port {port} on {host} is already in use; choose another with --port"
            ) from None
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    say("Stopped.")
