"""Save-to-browser latency of ``sitegen serve``, measured with a real browser.

Copies a site (default: this repository's example site, ``content/`` and
``sitegen.toml`` if any) to a temporary folder, starts ``sitegen serve`` on a free
port of 127.0.0.1, opens a subject page in headless Chromium (Playwright driving
Debian's /usr/bin/chromium), then edits one review ``--edits`` times. For each
edit: the time from just before the file is written to the first frame painted
after the reloaded page's DOMContentLoaded that shows the edited text. Both ends
use the same wall clock (Python's ``time.time()`` and the page's ``Date.now()``).

    python benchmarks/reload_latency.py [--edits 10] [--site PATH] [--json]

Target: median <= 500 ms. Needs: ``pip install playwright`` and
``apt-get install chromium`` (Playwright's own browser download is not used).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from chromium import CHROMIUM, CHROMIUM_ARGS

SHOWN_SCRIPT = """
document.addEventListener('DOMContentLoaded', () => {
  requestAnimationFrame(() => { window.__sitegenShownAt = Date.now(); });
});
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_site(source: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    shutil.copytree(source / "content", target / "content")
    for name in ("sitegen.toml",):
        if (source / name).is_file():
            shutil.copy2(source / name, target / name)
    if (source / "templates").is_dir() and source.resolve() != REPO:
        shutil.copytree(source / "templates", target / "templates")
    for path in (target / "content").rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return target


def pick_review(site: Path) -> tuple[Path, str]:
    """A ``.txt`` file and its subject's URL path (the first review is on page 1)."""
    for path in sorted((site / "content").glob("*.txt")):
        if path.read_text(encoding="utf-8").strip():
            return path, "/"
    raise SystemExit("the site has no .txt review file to edit")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument(
        "--site", type=Path, default=REPO, help="site folder to copy (content/ and sitegen.toml)"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-") as tmp:
        site = copy_site(args.site, Path(tmp) / "site")
        review_file, _ = pick_review(site)
        subject_path = f"/{review_file.stem}/"
        port = free_port()
        log_path = Path(tmp) / "serve.log"
        log = open(log_path, "wb")  # noqa: SIM115 - closed in the finally below
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--port", str(port)],
            cwd=site,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        latencies: list[float] = []
        to_reload: list[
            float
        ] = []  # save -> the browser starts reloading (detect, rebuild, message)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(base + "/", timeout=2).read()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("serve did not start:\n" + log_path.read_text())
                    time.sleep(0.1)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.add_init_script(SHOWN_SCRIPT)
                page.goto(base + subject_path)
                original = review_file.read_text(encoding="utf-8")
                lines = original.split("\n")
                for number in range(args.edits):
                    page.wait_for_function(
                        "() => window.LiveReload && window.LiveReload.connector.protocol >= 7",
                        timeout=10_000,
                    )
                    marker = f"Repere{number}x{os.getpid()}"
                    edited = [lines[0].rstrip() + f" {marker}", *lines[1:]]
                    started = time.time() * 1000
                    review_file.write_text("\n".join(edited), encoding="utf-8")
                    page.wait_for_function(
                        f"() => window.__sitegenShownAt && document.body.innerText.includes({json.dumps(marker)})",
                        timeout=15_000,
                        polling="raf",
                    )
                    shown, navigation = page.evaluate(
                        "() => [window.__sitegenShownAt, performance.timeOrigin]"
                    )
                    latencies.append(shown - started)
                    to_reload.append(navigation - started)
                browser.close()
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
        server_log = log_path.read_text(encoding="utf-8", errors="replace")
    rebuilds = [float(ms) for ms in re.findall(r"reviews in (\d+) ms", server_log)[1:]]
    result = {
        "edits": len(latencies),
        "median_ms": round(statistics.median(latencies), 1),
        "p90_ms": round(percentile(latencies, 0.9), 1),
        "min_ms": round(min(latencies), 1),
        "max_ms": round(max(latencies), 1),
        "rebuild_median_ms": round(statistics.median(rebuilds), 1) if rebuilds else None,
        "save_to_reload_start_median_ms": round(statistics.median(to_reload), 1),
        "latencies_ms": [round(v, 1) for v in latencies],
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"save -> browser shows the change, {result['edits']} edits on {review_file.name}:")
        print(
            f"  median {result['median_ms']} ms, p90 {result['p90_ms']} ms (min {result['min_ms']}, max {result['max_ms']})"
        )
        print(
            f"  of which: save -> reload starts {result['save_to_reload_start_median_ms']} ms "
            f"(server rebuild {result['rebuild_median_ms']} ms), the rest is the page load"
        )
        print(f"  all: {result['latencies_ms']}")
    return 0 if result["median_ms"] <= 500 else 1


if __name__ == "__main__":
    sys.exit(main())
