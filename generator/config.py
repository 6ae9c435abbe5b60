"""The site's settings: defaults, ``sitegen.toml``, command-line overrides, validation.

Every option has a default, so a folder with only ``content/`` builds. Unknown keys
and wrong types are reported with the file and the key, never silently ignored.
"""

from __future__ import annotations

import dataclasses
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.exceptions import ConfigError
from generator.metadata import safe_image_url

log = logging.getLogger(__name__)

CONFIG_FILENAME = "sitegen.toml"
LANGUAGES = ("fr", "en")
# [analysis] language: the reviews' language; "auto" detects it review by review.
CONTENT_LANGUAGES = ("auto", "fr", "en")
RATING_SCALES = (5, 10, 20, 100)
TITLE_CASES = ("as-written", "first", "words")


@dataclass(frozen=True)
class Thresholds:
    """Where a polarity becomes a label, and when a subject is "mostly rated"."""

    positive: float = 0.1  # polarity >= positive -> "positive"
    negative: float = -0.1  # polarity <= negative -> "negative"
    mixed_share: float = 0.25  # a review with both strong pros and cons is "mixed"
    rated_share: float = 0.5  # share of rated reviews above which the verdict uses ratings


@dataclass(frozen=True)
class AnalysisConfig:
    """How reviews are analysed (``[analysis]``), apart from the thresholds."""

    # "auto": each review's language is detected (French, English or other, the
    # last shown but not scored); "fr" or "en": every review is read as that
    # language. Independent of [site] language, the interface's.
    language: str = "auto"


@dataclass(frozen=True)
class AspectSettings:
    """``[aspects]``: how a site's aspects are merged and which are left out,
    applied when subjects are summarised (``analysis.aspect_summary.key_map``)."""

    # (aspect, words counted under it), e.g. ("service", ("client", "SAV"))
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    ignore: tuple[str, ...] = ()  # words that are never aspects of this site


@dataclass(frozen=True)
class SiteConfig:
    """Everything that decides what a build produces."""

    title: str = "Avis"
    description: str = ""
    language: str = "fr"
    base_url: str = ""
    content_dir: Path = Path("content")
    output_dir: Path = Path("output")
    templates_dir: Path = Path("templates")
    item_type: str = "Movie"
    title_case: str = "as-written"  # titles from file names: "as-written", "first" or "words"
    audience: str = ""  # the reviewers' plural noun; "" = from item_type (generator/audience.py)
    rating_scale: int = 5
    page_size: int = 50
    cname: str = ""
    jobs: int = 0  # analysis processes; 0 = every core
    executor: str = "process"  # "process", "serial" or "dask://HOST:PORT"
    columns: dict[str, str] = field(default_factory=dict)  # our field -> their column
    thresholds: Thresholds = field(default_factory=Thresholds)
    # [subjects."<name>"] tables: metadata for subjects (``generator.metadata``)
    subjects: dict[str, dict[str, Any]] = field(default_factory=dict)
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig)
    aspects: AspectSettings = field(default_factory=AspectSettings)
    config_path: Path | None = None
    plugins: tuple[str, ...] = ()  # entry points of "sitegen.plugins", or module[:attribute]

    @property
    def root(self) -> Path:
        """The folder relative paths in the config are resolved against."""
        return self.config_path.parent if self.config_path else Path.cwd()

    def replace(self, **changes: Any) -> SiteConfig:
        return dataclasses.replace(self, **changes)


_SITE_KEYS = {
    "title": str,
    "description": str,
    "language": str,
    "base_url": str,
    "content_dir": str,
    "output_dir": str,
    "templates_dir": str,
    "item_type": str,
    "title_case": str,
    "audience": str,
    "rating_scale": int,
    "page_size": int,
    "cname": str,
    "jobs": int,
    "executor": str,
    "plugins": list,
}
_COLUMN_FIELDS = (
    "text",
    "id",
    "subject",
    "rating",
    "author",
    "date",
    "title",
    "categories",
    "year",
    "image",
)
_SUBJECT_KEYS = (
    "title",
    "year",
    "image",
    "genres",
    "genre",
    "categories",
    "category",
    "tags",
    "tag",
)


def _check_type(path: Path, key: str, value: Any, expected: type) -> None:
    if expected is int and isinstance(value, bool):
        raise ConfigError(f"{path}: '{key}' must be a whole number, not {value!r}")
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return
    if not isinstance(value, expected):
        names = {str: "a string", int: "a whole number", float: "a number", list: "a list of names"}
        raise ConfigError(f"{path}: '{key}' must be {names[expected]}, not {value!r}")


def _subject_tables(tables: Any, path: Path) -> dict[str, dict[str, Any]]:
    """``[subjects."<name>"]`` tables: each a table of known keys with text (or, for
    year, a number; for categories, a list of text) values."""
    if not isinstance(tables, dict):
        raise ConfigError(f'{path}: [subjects] must hold tables such as [subjects."Le Grand Bleu"]')
    out: dict[str, dict[str, Any]] = {}
    for name, table in tables.items():
        where = f'[subjects."{name}"]'
        if not isinstance(table, dict):
            raise ConfigError(
                f'{path}: {where} must be a table of keys such as title = "…" and genres = ["…"]'
            )
        for key, value in table.items():
            if key not in _SUBJECT_KEYS:
                raise ConfigError(
                    f"{path}: {where} has unknown key '{key}' (known: {', '.join(_SUBJECT_KEYS)})"
                )
            if key in ("title", "image") and not isinstance(value, str):
                raise ConfigError(f"{path}: {where} {key} must be a string, not {value!r}")
            if key == "image" and value and not safe_image_url(value):
                raise ConfigError(
                    f"{path}: {where} image must be an http(s) URL or a relative path, not {value!r}"
                )
            if key == "year" and (isinstance(value, bool) or not isinstance(value, str | int)):
                raise ConfigError(
                    f"{path}: {where} year must be a number or a string, not {value!r}"
                )
            if key not in ("title", "image", "year") and not (
                isinstance(value, str)
                or (isinstance(value, list) and all(isinstance(v, str) for v in value))
            ):
                raise ConfigError(f"{path}: {where} {key} must be a list of strings, not {value!r}")
        out[str(name)] = dict(table)
    return out


def load_config(path: Path | None = None, *, required: bool = False) -> SiteConfig:
    """Read ``sitegen.toml`` (or ``path``) and return a validated config.

    Without a file, the defaults apply. Relative folders are resolved against the
    folder holding the config file.
    """
    if path is None:
        candidate = Path.cwd() / CONFIG_FILENAME
        if not candidate.exists():
            if required:
                raise ConfigError(f"no {CONFIG_FILENAME} in {Path.cwd()}")
            return SiteConfig()
        path = candidate
    if not path.exists():
        raise ConfigError(f"{path}: no such config file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    return config_from_dict(data, path)


def _aspect_settings(table: Any, path: Path) -> AspectSettings:
    """``[aspects]``: ``synonyms = { aspect = ["word", ...] }``, ``ignore = ["word", ...]``."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [aspects] must be a table")
    for key in table:
        if key not in ("synonyms", "ignore"):
            raise ConfigError(
                f"{path}: [aspects] has unknown key '{key}' (known: ignore, synonyms)"
            )
    synonyms = table.get("synonyms", {})
    if not isinstance(synonyms, dict):
        raise ConfigError(
            f'{path}: \'aspects.synonyms\' must be a table such as {{ musique = ["BO", "bande-son"] }}'
        )
    pairs = []
    for aspect, words in synonyms.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise ConfigError(
                f"{path}: 'aspects.synonyms.{aspect}' must be a list of words, not {words!r}"
            )
        pairs.append((aspect, tuple(words)))
    ignore = table.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(w, str) and w.strip() for w in ignore):
        raise ConfigError(f"{path}: 'aspects.ignore' must be a list of words, not {ignore!r}")
    return AspectSettings(synonyms=tuple(sorted(pairs)), ignore=tuple(ignore))


def config_from_dict(data: dict[str, Any], path: Path) -> SiteConfig:
    """Validate a parsed TOML document. Raises ConfigError naming the key."""
    values = _site_values(data, path)
    _check_site(values, path)
    values["columns"] = _columns(data, path)
    values["thresholds"] = _thresholds(data, path)
    values["subjects"] = _subject_tables(data.get("subjects", {}), path)
    values["analysis"] = _analysis(data, path)
    values["aspects"] = _aspect_settings(data.get("aspects", {}), path)
    top_level = {k for k, v in data.items() if not isinstance(v, dict)}
    sections = {"site", "columns", "thresholds", "subjects", "analysis", "aspects"}
    for extra in set(data) - sections - top_level:
        raise ConfigError(
            f"{path}: unknown section [{extra}] "
            "(sections: [site], [columns], [thresholds], [subjects], [analysis], [aspects])"
        )
    return SiteConfig(config_path=path, **values)


def _site_values(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """The ``[site]`` options (and those written at the top level), type-checked,
    folders resolved against the config file's folder."""
    values: dict[str, Any] = {}
    section = data.get("site", {})
    top_level = {k: v for k, v in data.items() if not isinstance(v, dict)}
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [site] must be a table")
    merged = {**top_level, **section}
    for key, value in merged.items():
        if key not in _SITE_KEYS:
            known = ", ".join(sorted(_SITE_KEYS))
            raise ConfigError(f"{path}: unknown option '{key}' (known options: {known})")
        _check_type(path, key, value, _SITE_KEYS[key])
        values[key] = value
    defaults = {f.name: f.default for f in dataclasses.fields(SiteConfig)}
    for key in ("content_dir", "output_dir", "templates_dir"):
        folder = Path(values.get(key, defaults[key])).expanduser()
        # Relative folders are relative to the config file's folder (left relative
        # when that is the current folder, so messages stay short).
        if not folder.is_absolute() and path.parent.resolve() != Path.cwd().resolve():
            folder = path.parent / folder
        values[key] = folder
    return values


def _check_site(values: dict[str, Any], path: Path) -> None:
    """The ``[site]`` options' values (``values`` normalised in place)."""
    language = values.get("language", "fr")
    if language not in LANGUAGES:
        raise ConfigError(
            f"{path}: language must be one of {', '.join(LANGUAGES)}, not {language!r}"
        )
    scale = values.get("rating_scale", 5)
    if scale not in RATING_SCALES:
        allowed = ", ".join(map(str, RATING_SCALES))
        raise ConfigError(f"{path}: rating_scale must be one of {allowed}, not {scale}")
    if values.get("jobs", 0) < 0:
        raise ConfigError(f"{path}: jobs must be 0 (every core) or more")
    executor = values.get("executor", "process")
    if executor not in ("process", "serial") and not executor.startswith(("dask://", "tcp://")):
        raise ConfigError(
            f'{path}: executor must be "process", "serial" or "dask://HOST:PORT", not {executor!r}'
        )
    if values.get("title_case", "as-written") not in TITLE_CASES:
        raise ConfigError(
            f"{path}: title_case must be one of {', '.join(TITLE_CASES)}, not {values['title_case']!r}"
        )
    plugins = values.get("plugins", [])
    if not all(isinstance(name, str) and name for name in plugins):
        raise ConfigError(f"{path}: 'plugins' must be a list of plugin names, not {plugins!r}")
    values["plugins"] = tuple(plugins)
    if values.get("page_size", 50) < 1:
        raise ConfigError(f"{path}: page_size must be at least 1")
    _check_base_url(values, path)


def _check_base_url(values: dict[str, Any], path: Path) -> None:
    base_url = values.get("base_url", "")
    if base_url and not base_url.startswith(("https://", "http://")):
        raise ConfigError(f"{path}: base_url must start with https:// or http://, not {base_url!r}")
    if base_url and any(ch.isspace() or ch in "\"'<>`\\" for ch in base_url):
        raise ConfigError(
            f"{path}: base_url must be a plain URL without spaces or quotes, not {base_url!r}"
        )
    if base_url and not base_url.endswith("/"):
        values["base_url"] = base_url + "/"


def _columns(data: dict[str, Any], path: Path) -> dict[str, str]:
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise ConfigError(f"{path}: [columns] must be a table mapping fields to column names")
    for key, value in columns.items():
        if key not in _COLUMN_FIELDS:
            raise ConfigError(
                f"{path}: [columns] has unknown field '{key}' (fields: {', '.join(_COLUMN_FIELDS)})"
            )
        _check_type(path, f"columns.{key}", value, str)
    return dict(columns)


def _fields_table(
    data: dict[str, Any], name: str, of: type, expected: type, path: Path
) -> dict[str, Any]:
    """The ``[name]`` table: every key a field of the dataclass ``of``, every value
    of type ``expected`` (``_check_type``)."""
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    known = {f.name for f in dataclasses.fields(of)}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(
                f"{path}: [{name}] has unknown key '{key}' (known: {', '.join(sorted(known))})"
            )
        _check_type(path, f"{name}.{key}", value, expected)
    return table


def _thresholds(data: dict[str, Any], path: Path) -> Thresholds:
    thresholds = _fields_table(data, "thresholds", Thresholds, float, path)
    t = Thresholds(**{k: float(v) for k, v in thresholds.items()})
    if not -1 <= t.negative < t.positive <= 1:
        raise ConfigError(f"{path}: thresholds need -1 <= negative < positive <= 1")
    return t


def _analysis(data: dict[str, Any], path: Path) -> AnalysisConfig:
    analysis = _fields_table(data, "analysis", AnalysisConfig, str, path)
    if analysis.get("language", "auto") not in CONTENT_LANGUAGES:
        raise ConfigError(
            f"{path}: [analysis] language must be one of {', '.join(CONTENT_LANGUAGES)}, not {analysis['language']!r}"
        )
    return AnalysisConfig(**analysis)
