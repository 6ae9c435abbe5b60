"""``sitegen serve`` answers only its own names and pages: another ``Host`` (a
DNS-rebinding page) gets 421, the livereload websocket and ``/forcereload`` refuse
other origins, and a folder's redirect never names another host. Raw HTTP against
a real server on a free port of 127.0.0.1, stopped by the test."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_serve import Served, start_server, stop

from generator.commands.new import new_site
from generator.commands.serve import HostGuard, serve
from generator.exceptions import ConfigError


def request(port: int, target: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """``GET target`` with exactly ``headers`` (Host included), byte for byte."""
    lines = [
        f"GET {target} HTTP/1.1",
        *(f"{k}: {v}" for k, v in headers.items()),
        "Connection: close",
        "",
        "",
    ]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall("\r\n".join(lines).encode("latin-1"))
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:  # an accepted websocket stays open
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and b"101 Switching" in chunks[0]:
                break
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    first, *rest = head.decode("latin-1").split("\r\n")
    found = {}
    for line in rest:
        key, _, value = line.partition(":")
        found[key.strip().lower()] = value.strip()
    return int(first.split()[1]), found, body


def websocket(port: int, host: str, origin: str | None) -> int:
    headers = {
        "Host": host,
        "Upgrade": "websocket",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version": "13",
    }
    if origin is not None:
        headers["Origin"] = origin
    lines = [f"{k}: {v}" for k, v in headers.items()]
    raw = "\r\n".join(["GET /livereload HTTP/1.1", *lines, "Connection: Upgrade", "", ""])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(raw.encode("latin-1"))
        return int(sock.recv(4096).split(b"\r\n", 1)[0].split()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = start_server(new_site(tmp_path / "site").root)
    try:
        yield server
    finally:
        stop(server.process)


def test_only_its_own_host_names_origins_and_paths(served: Served) -> None:
    port = served.port
    own = f"127.0.0.1:{port}"
    for host in (own, f"localhost:{port}", f"[::1]:{port}", f"LOCALHOST:{port}"):
        assert request(port, "/", {"Host": host})[0] == 200, host
    # A DNS-rebinding page sends its own name; a wrong port or a user part is not ours either.
    for host in (
        f"evil.example:{port}",
        "evil.example",
        f"127.0.0.1:{port + 1}",
        f"a@127.0.0.1:{port}",
        f"127.0.0.1.evil.example:{port}",
        f"localhost.:{port}x",
    ):
        status, _, body = request(port, "/", {"Host": host})
        assert status in (400, 421), host  # tornado itself refuses some with 400
        assert b"<html" not in body
    assert request(port, "/livereload.js", {"Host": f"evil.example:{port}"})[0] == 421
    assert request(port, "/forcereload", {"Host": f"evil.example:{port}"})[0] == 421

    # The websocket: its own pages only.
    assert websocket(port, own, f"http://{own}") == 101
    assert websocket(port, own, None) == 101  # not a browser (no Origin): nothing to protect from
    assert websocket(port, own, "http://evil.example") == 403
    assert websocket(port, own, f"http://localhost:{port}") == 403  # another origin than the Host
    assert websocket(port, f"evil.example:{port}", f"http://evil.example:{port}") == 421

    # /forcereload reloads every open tab: not for other sites (an <img> on any page).
    assert request(port, "/forcereload", {"Host": own})[0] == 403
    assert request(port, "/forcereload", {"Host": own, "Origin": "http://evil.example"})[0] == 403
    assert request(port, "/forcereload", {"Host": own, "Sec-Fetch-Site": "cross-site"})[0] == 403
    assert request(port, "/forcereload", {"Host": own, "Origin": f"http://{own}"})[0] == 200
    assert request(port, "/forcereload", {"Host": own, "Sec-Fetch-Site": "same-origin"})[0] == 200

    # A folder's redirect stays on this host: never the scheme-relative //static/.
    for target, location in (
        ("//static", "/static/"),
        ("///static", "/static/"),
        ("/static", "/static/"),
        ("//static?x=1", "/static/?x=1"),
    ):
        status, headers, _ = request(port, target, {"Host": own})
        assert status in (301, 302) and headers["location"] == location, target
    assert served.process.poll() is None


def test_host_guard_on_every_interface_takes_ip_addresses_not_names() -> None:
    guard = HostGuard("0.0.0.0", 8000)
    assert guard.host_ok("192.168.1.20:8000") and guard.host_ok("[fe80::1]:8000")
    assert guard.host_ok(f"{socket.gethostname()}:8000")
    assert not guard.host_ok("rebind.example:8000") and not guard.host_ok("192.168.1.20:8001")
    named = HostGuard("preview.lan", 80)
    assert (
        named.host_ok("preview.lan")
        and named.host_ok("preview.lan:80")
        and not named.host_ok("other.lan")
    )


def test_allow_host_adds_a_name_and_only_that_one(tmp_path: Path) -> None:
    named = HostGuard("0.0.0.0", 8000, ["Laptop.local", "[fe80::2]"])
    assert named.host_ok("laptop.local:8000") and named.host_ok("LAPTOP.LOCAL:8000")
    assert not named.host_ok("laptop.local:8001") and not named.host_ok("other.local:8000")
    served = start_server(new_site(tmp_path / "site").root, "--allow-host", "preview.lan")
    try:
        port = served.port
        assert request(port, "/", {"Host": f"preview.lan:{port}"})[0] == 200
        assert request(port, "/", {"Host": f"127.0.0.1:{port}"})[0] == 200
        assert request(port, "/", {"Host": f"evil.example:{port}"})[0] == 421
    finally:
        stop(served.process)


@pytest.mark.parametrize("name", ["", "evil.example:80", "a@b", "x/y", "a b"])
def test_allow_host_takes_a_name_not_a_url(name: str) -> None:
    def load_config() -> None:
        pytest.fail("a bad --allow-host went on to build and serve")

    with pytest.raises(ConfigError, match="--allow-host"):
        serve(load_config, allow_hosts=[name])  # type: ignore[arg-type]


def test_an_empty_host_is_refused_not_bound_with_a_false_warning() -> None:
    def load_config() -> None:
        pytest.fail("--host '' went on to build and serve")

    with pytest.raises(ConfigError, match="--host is empty"):
        serve(load_config, host="", port=8000)  # type: ignore[arg-type]
