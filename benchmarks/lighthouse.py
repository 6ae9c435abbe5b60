#!/usr/bin/env python3
"""Lighthouse scores of the example site (a benchmark, not a test).

Builds ``content/`` into a temporary folder with ``base_url`` set to the local
server's address (so canonical links are valid), serves it on 127.0.0.1 on a free
port, runs Lighthouse (npm package, installed on first use into
``benchmarks/lighthouse/node_modules``) with Debian's Chromium against the home
page, the subject page, the search page (with a query) and a category page, and
prints the four category scores.

    python benchmarks/lighthouse.py [--preset mobile|desktop] [--check] [--json-dir DIR]

Targets: 100 for accessibility, best practices and SEO, at least 95 for
performance; ``--check`` exits 1 when a score misses them. Needs Node.js and npm
(Lighthouse 12: Node >= 18.16), and Chromium (``CHROME_PATH``, default
/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.commands.build import build
from generator.config import SiteConfig

PREFIX = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = PREFIX / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking"
    " --disable-component-update --disable-sync --no-first-run"
)
PAGES = {
    "home": "",
    "subject": "backstage/",
    "search": "search/?q=chanteuse",
    "category": "categories/drame/",
}
if os.environ.get("LIGHTHOUSE_PAGES"):  # e.g. LIGHTHOUSE_PAGES=search: only those
    PAGES = {k: v for k, v in PAGES.items() if k in os.environ["LIGHTHOUSE_PAGES"].split(",")}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def ensure_lighthouse() -> Path:
    if not LIGHTHOUSE.exists():
        npm = shutil.which("npm")
        if not npm:
            raise SystemExit("npm is needed to install Lighthouse (apt-get install npm)")
        print(f"installing Lighthouse into {PREFIX}/node_modules …", file=sys.stderr)
        subprocess.run(
            [npm, "install", "--prefix", str(PREFIX), "--no-audit", "--no-fund"], check=True
        )
    return LIGHTHOUSE


def run_lighthouse(url: str, preset: str, report: Path) -> dict[str, int]:
    command = [
        str(ensure_lighthouse()),
        url,
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, check=True, env=env, timeout=300)
    data = json.loads(report.read_text(encoding="utf-8"))
    scores = {}
    for name in CATEGORIES:
        score = data["categories"][name]["score"]
        scores[name] = round(100 * score) if score is not None else -1
    failing = [
        audit["id"]
        for audit in data["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") == "binary"
    ]
    if failing:
        print(f"  audits below 1 on {url}: {', '.join(sorted(failing))}", file=sys.stderr)
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=("mobile", "desktop"), default="mobile")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a score misses its target"
    )
    parser.add_argument("--json-dir", type=Path, help="keep Lighthouse's JSON reports here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sitegen-lighthouse-") as tmp:
        site = Path(tmp) / "site"
        handler = functools.partial(QuietHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        base_url = f"http://127.0.0.1:{server.server_address[1]}/"
        build(
            SiteConfig(
                content_dir=ROOT / "content",
                output_dir=site,
                base_url=base_url,
                templates_dir=ROOT / "templates",
            )
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        reports = args.json_dir or Path(tmp) / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        missed = []
        try:
            print(f"Lighthouse ({args.preset}) on the example site at {base_url}")
            print(f"{'page':10}" + "".join(f"{c:>16}" for c in CATEGORIES))
            for name, path in PAGES.items():
                scores = run_lighthouse(
                    base_url + path, args.preset, reports / f"{name}-{args.preset}.json"
                )
                print(f"{name:10}" + "".join(f"{scores[c]:>16}" for c in CATEGORIES))
                missed += [
                    f"{name} {c} {scores[c]} < {TARGETS[c]}"
                    for c in CATEGORIES
                    if scores[c] < TARGETS[c]
                ]
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
    for line in missed:
        print(f"below target: {line}", file=sys.stderr)
    return 1 if missed and args.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
