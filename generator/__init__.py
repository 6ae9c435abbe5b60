"""sitegen: a static review-summary site generator for French reviews."""

from __future__ import annotations

__version__ = "0.1.0"
