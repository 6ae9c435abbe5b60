"""Debian's Chromium as the browser tests and the scripts drive it through
Playwright (Playwright's own browser download cannot work here). The flags keep
it from reaching out to the network; ``SITEGEN_CHROMIUM`` names another binary."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("SITEGEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
