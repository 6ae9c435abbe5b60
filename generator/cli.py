"""The ``sitegen`` command line: a thin typer layer over the commands' modules.

Exit codes: 0 success; 1 the content has errors (under ``--strict``) or the build
failed; 2 wrong usage or configuration (bad option, bad ``sitegen.toml``, unsafe
output folder).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from generator import __version__
from generator.config import SiteConfig, load_config
from generator.exceptions import ContentError, Problem, SitegenError

app = typer.Typer(
    name="sitegen",
    help="Static review-summary site generator: French reviews in, a static site with verdicts, aspects and quotes out.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        print(f"sitegen {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens, for debugging.")] = False,
) -> None:
    """sitegen builds a static site that sums up reviews: one page per film, series or
    product with a verdict, the aspects reviewers discuss, pro and con quotes and a
    card per review."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def fail(error: SitegenError) -> typer.Exit:
    err.print(f"error: {error}", markup=False)
    return typer.Exit(error.exit_code)


def resolve_config(
    config_file: Path | None,
    content: Path | None = None,
    output: Path | None = None,
    templates: Path | None = None,
) -> SiteConfig:
    config = load_config(config_file)
    changes = {}
    if content is not None:
        changes["content_dir"] = content
    if output is not None:
        changes["output_dir"] = output
    if templates is not None:
        changes["templates_dir"] = templates
    return config.replace(**changes) if changes else config


def print_problems(problems: list[Problem], limit: int = 50) -> None:
    for problem in problems[:limit]:
        kind = "error" if problem.severity == "error" else "warning"
        err.print(f"{kind}: {problem}", markup=False)
    if len(problems) > limit:
        err.print(f"… and {len(problems) - limit} more", markup=False)


@app.command()
def build(
    content: Annotated[Optional[Path], typer.Option(help="Folder of reviews. [default: content/ or sitegen.toml]")] = None,
    output: Annotated[Optional[Path], typer.Option(help="Folder to write the site to. [default: output/]")] = None,
    templates: Annotated[Optional[Path], typer.Option(help="Folder of templates overriding the built-in theme. [default: templates/]")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="Settings file. [default: ./sitegen.toml if present]")] = None,
    strict: Annotated[bool, typer.Option(help="Fail (exit 1) on any content error instead of skipping the bad rows.")] = False,
    force: Annotated[bool, typer.Option(help="Replace a non-empty output folder that sitegen did not create.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Read the reviews, analyse them and write the static site."""
    from generator.commands.build import build as run_build

    try:
        settings = resolve_config(config, content, output, templates)
        report = run_build(settings, strict=strict, force=force)
    except ContentError as exc:
        print_problems(exc.problems)
        err.print(f"error: {str(exc).splitlines()[0]}", markup=False)
        raise typer.Exit(1) from None
    except SitegenError as exc:
        raise fail(exc) from None
    print_problems(report.problems)
    if not quiet:
        problems = f", {len(report.errors)} errors, {len(report.warnings)} warnings" if report.problems else ""
        out.print(
            f"Built {report.subjects} subject(s), {report.reviews} reviews, {report.files} files "
            f"into {report.output} in {report.seconds:.2f} s{problems}.",
            markup=False,
        )


@app.command()
def analyze(
    paths: Annotated[list[Path], typer.Argument(help="Review files (.txt, .md, .csv, .tsv, .json, .jsonl).", exists=True, dir_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per review, one per line.")] = False,
    config: Annotated[Optional[Path], typer.Option("--config", help="Settings file. [default: ./sitegen.toml if present]")] = None,
) -> None:
    """Print the analysis of each review: a table, or JSON lines with --json."""
    from generator.commands.analyze import analyze_files

    try:
        settings = resolve_config(config)
        rows, problems = analyze_files(paths, settings)
    except SitegenError as exc:
        raise fail(exc) from None
    print_problems(problems)
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    table = Table("id", "subject", "label", "polarity", "subj.", "key phrases", "text", show_lines=False)
    for row in rows:
        text = row["text"]
        table.add_row(
            row["id"], row["subject"], row["label"], f"{row['polarity']:+.2f}", f"{row['subjectivity']:.2f}",
            ", ".join(row["key_phrases"][:4]), text[:60] + ("…" if len(text) > 60 else ""),
        )
    out.print(table)


def main() -> None:
    app()
