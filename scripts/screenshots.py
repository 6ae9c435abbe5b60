#!/usr/bin/env python3
"""Regenerate the README's screenshots from the example site.

Builds ``content/`` (the film Backstage) into a temporary folder, opens it in
Debian's Chromium through Playwright and writes ``docs/screenshots/*.png``: home and
subject page, desktop (1280 px wide) and phone (390 px wide), light and dark.

    python scripts/screenshots.py [--out docs/screenshots] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.commands.build import build
from generator.config import SiteConfig

sys.path.insert(0, str(ROOT / "benchmarks"))
from chromium import CHROMIUM, CHROMIUM_ARGS

# name: (viewport width, viewport height, device scale factor, clip height in CSS px)
DEVICES = {
    "desktop": (1280, 900, 1, 1500),
    "phone": (390, 844, 2, 1500),
}
PAGES = {"home": "index.html", "subject": "backstage/index.html"}


def build_example(output: Path) -> None:
    config = SiteConfig(
        title="Avis de spectateurs",
        content_dir=ROOT / "content",
        output_dir=output,
        templates_dir=ROOT / "templates",
    )
    build(config, force=True)


def take(site: Path, out: Path, chromium: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for device, (width, height, scale, clip) in DEVICES.items():
                for scheme in ("light", "dark"):
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        device_scale_factor=scale,
                        color_scheme=scheme,
                        is_mobile=device == "phone",
                        has_touch=device == "phone",
                    )
                    page = context.new_page()
                    for name, path in PAGES.items():
                        page.goto((site / path).as_uri())
                        page.wait_for_load_state("load")
                        full = page.evaluate("document.documentElement.scrollHeight")
                        target = out / f"{name}-{device}-{scheme}.png"
                        page.screenshot(
                            path=str(target),
                            clip={"x": 0, "y": 0, "width": width, "height": min(full, clip)},
                            full_page=True,
                        )
                        written.append(target)
                    context.close()
        finally:
            browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sitegen-shots-") as tmp:
        site = Path(tmp) / "site"
        build_example(site)
        for path in take(site, args.out, args.chromium):
            print(
                f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
