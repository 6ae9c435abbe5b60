"""The ``sitegen`` command line: a thin click layer over the commands' modules.

Exit codes: 0 success; 1 the content has errors (under ``--strict``) or the build
failed; 2 wrong usage or configuration (bad option, bad ``sitegen.toml``, unsafe
output folder).

It is click (which nltk, under textblob, requires anyway), not typer: typer 0.29
builds a pydantic ``TypeAdapter`` per option to coerce its value, importing
pydantic (about 0.1 s of every ``sitegen build``, a third of a rebuild with
nothing to do). Each command imports what it runs only when it runs.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from generator import __version__
from generator.exceptions import ContentError, Problem, SitegenError, printable

if TYPE_CHECKING:
    from generator.config import SiteConfig


class _Lines:
    """Plain lines on standard output or error (read at each call, so tests that
    capture them see them). rich is imported only for the ``analyze`` table: not
    on every build (it costs a one-review rebuild 0.02 s)."""

    def __init__(self, stderr: bool = False) -> None:
        self.stderr = stderr

    def print(self, text: str) -> None:
        stream = sys.stderr if self.stderr else sys.stdout
        if stream is None:  # (no console: pythonw, or the stream closed)
            return
        stream.write(
            f"{printable(text, newlines=True)}\n"
        )  # (names from the content: no escape sequences)
        stream.flush()


err = _Lines(stderr=True)
out = _Lines()


_PATH = click.Path(path_type=Path)

# Options shared by the commands that build (build, serve, publish, analyze).
content_option = click.option(
    "--content", type=_PATH, help="Folder of reviews. [default: content/ or sitegen.toml]"
)
output_option = click.option(
    "--output", type=_PATH, help="Folder to write the site to. [default: output/]"
)
templates_option = click.option(
    "--templates",
    type=_PATH,
    help="Folder of templates overriding the built-in theme. [default: templates/]",
)
config_option = click.option(
    "--config", type=_PATH, help="Settings file. [default: ./sitegen.toml if present]"
)


def _version(ctx: click.Context, _: Any, value: bool) -> None:
    if value:
        print(f"sitegen {__version__}")
        ctx.exit()


class _Commands(click.Group):
    """The commands, listed in ``--help`` in the order they are defined."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(
    cls=_Commands,
    name="sitegen",
    help="Static review-summary site generator: French reviews in, a static site with verdicts, aspects and quotes out.",
    no_args_is_help=True,
)
@click.option(
    "--version",
    is_flag=True,
    callback=_version,
    expose_value=False,
    is_eager=True,
    help="Print the version and exit.",
)
@click.option("--verbose", "-v", is_flag=True, help="Log what happens, for debugging.")
def app(verbose: bool) -> None:
    """sitegen builds a static site that sums up reviews: one page per film, series or
    product with a verdict, the aspects reviewers discuss, pro and con quotes and a
    card per review."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def fail(error: SitegenError) -> click.exceptions.Exit:
    err.print(f"error: {error}")
    return click.exceptions.Exit(error.exit_code)


def content_failed(error: ContentError, tail: str = "") -> click.exceptions.Exit:
    """Every problem of a build stopped by its content (file and line each), then
    its one-line reason."""
    print_problems(error.problems, limit=None)
    err.print(f"error: {str(error).splitlines()[0]}{tail}")
    return click.exceptions.Exit(1)


def resolve_config(
    config_file: Path | None,
    content: Path | None = None,
    output: Path | None = None,
    templates: Path | None = None,
) -> SiteConfig:
    from generator.config import load_config

    config = load_config(config_file)
    changes = {}
    if content is not None:
        changes["content_dir"] = content
    if output is not None:
        changes["output_dir"] = output
    if templates is not None:
        changes["templates_dir"] = templates
    return config.replace(**changes) if changes else config


def print_problems(problems: list[Problem], limit: int | None = 50) -> None:
    """Print problems, errors first; ``limit=None`` prints them all (``--strict``)."""
    problems = sorted(problems, key=lambda p: p.severity != "error")
    limit = len(problems) if limit is None else limit
    for problem in problems[:limit]:
        kind = "error" if problem.severity == "error" else "warning"
        err.print(f"{kind}: {problem}")
    if len(problems) > limit:
        err.print(f"… and {len(problems) - limit} more")


@app.command()
@content_option
@output_option
@templates_option
@config_option
@click.option(
    "--strict/--no-strict",
    help="Fail (exit 1) on any content error instead of skipping the bad rows.",
)
@click.option(
    "--force/--no-force", help="Replace a non-empty output folder that sitegen did not create."
)
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Processes analysing reviews. [default: every core]",
)
@click.option(
    "--executor",
    help="Where analysis runs: process, serial or dask://HOST:PORT (needs sitegen[dask]). [default: process]",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Ignore .sitegen-cache/: analyse every review and rewrite every page.",
)
def build(
    content: Path | None,
    output: Path | None,
    templates: Path | None,
    config: Path | None,
    strict: bool,
    force: bool,
    quiet: bool,
    jobs: int | None,
    executor: str | None,
    no_cache: bool,
) -> None:
    """Read the reviews, analyse them and write the static site."""
    from generator.commands.build import build as run_build
    from generator.progress import make_progress

    try:
        settings = resolve_config(config, content, output, templates)
        report = run_build(
            settings,
            strict=strict,
            force=force,
            jobs=jobs or settings.jobs or None,
            executor=executor or settings.executor,
            cache=not no_cache,
            progress=make_progress(quiet),
        )
    except ContentError as exc:
        raise content_failed(exc) from None
    except SitegenError as exc:
        raise fail(exc) from None
    print_problems(report.problems)
    if not quiet:
        out.print(report.summary_line())


@app.command()
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per review, one per line.")
@config_option
def analyze(paths: tuple[Path, ...], as_json: bool, config: Path | None) -> None:
    """Print the analysis of each review: a table, or JSON lines with --json.

    PATHS: review files (.txt, .md, .csv, .tsv, .json, .jsonl)."""
    from generator.commands.analyze import analyze_files

    try:
        settings = resolve_config(config)
        rows, problems = analyze_files(list(paths), settings)
    except SitegenError as exc:
        raise fail(exc) from None
    print_problems(problems)
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        "id", "subject", "label", "polarity", "subj.", "key phrases", "text", show_lines=False
    )
    for row in rows:
        text = row["text"]
        table.add_row(  # (rich prints escape sequences as they are: names and texts made printable)
            printable(row["id"]),
            printable(row["subject"]),
            row["label"],
            f"{row['polarity']:+.2f}",
            f"{row['subjectivity']:.2f}",
            printable(", ".join(row["key_phrases"][:4])),
            printable(text[:60]) + ("…" if len(text) > 60 else ""),
        )
    Console(highlight=False, soft_wrap=True).print(table)


@app.command()
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 shows the preview to the network.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in the web browser.")
@content_option
@output_option
@templates_option
@config_option
@click.option(
    "--strict/--no-strict",
    help="Treat any content error as a failed build (shown in the browser).",
)
@click.option(
    "--allow-host",
    "allow_host",
    multiple=True,
    help="Another name the server answers to (e.g. laptop.local); repeat for more.",
)
def serve(
    port: int,
    host: str,
    open_browser: bool,
    content: Path | None,
    output: Path | None,
    templates: Path | None,
    config: Path | None,
    strict: bool,
    allow_host: tuple[str, ...],
) -> None:
    """Build, serve the site on 127.0.0.1, and rebuild and reload the browser on every change."""
    from generator.commands.serve import serve as run_serve

    try:
        run_serve(
            lambda: resolve_config(config, content, output, templates),
            host=host,
            port=port,
            open_browser=open_browser,
            strict=strict,
            config_file=config,
            allow_hosts=allow_host or (),
        )
    except SitegenError as exc:
        raise fail(exc) from None


@app.command()
@click.argument("directory", type=_PATH)
def new(directory: Path) -> None:
    """Create a new site: a commented sitegen.toml, example reviews and templates/.

    DIRECTORY: the folder to create the site in (new or empty)."""
    from generator.commands.new import new_site

    try:
        site = new_site(directory)
    except SitegenError as exc:
        raise fail(exc) from None
    out.print(f"Created a new site in {site.root} ({len(site.files)} files). Next:")
    out.print(
        f"  cd {site.root}\n  sitegen build    # writes output/\n  sitegen serve    # preview on http://127.0.0.1:8000/ with live reload"
    )


@app.command()
@click.option(
    "--to",
    type=_PATH,
    help="Mirror the site into this folder instead of a git branch (removes files no longer in the site).",
)
@click.option(
    "--branch", default="gh-pages", show_default=True, help="Git branch to commit the site to."
)
@click.option(
    "--remote", default="origin", show_default=True, help="Git remote to push the branch to."
)
@click.option(
    "--message", "-m", help="Commit message. [default: Deployed <sha> with sitegen <version>]"
)
@click.option(
    "--push/--no-push", default=True, show_default=True, help="Push the branch after committing."
)
@click.option(
    "--build/--no-build",
    "build_first",
    default=True,
    show_default=True,
    help="Build before publishing.",
)
@click.option("--strict/--no-strict", help="Refuse to publish if the content has any error.")
@click.option(
    "--force/--no-force",
    help="With --to: mirror into a non-empty folder that sitegen did not create.",
)
@config_option
def publish(
    to: Path | None,
    branch: str,
    remote: str,
    message: str | None,
    push: bool,
    build_first: bool,
    strict: bool,
    force: bool,
    config: Path | None,
) -> None:
    """Build, then publish the site to a git branch (GitHub Pages) or, with --to, a folder."""
    from generator.commands.build import build as run_build
    from generator.commands.publish import publish_branch, publish_folder

    try:
        settings = resolve_config(config)
        if build_first:
            report = run_build(settings, strict=strict)
            print_problems(report.problems)
            out.print(
                f"Built {report.subjects} subject(s), {report.reviews} reviews, {report.files} files."
            )
        if to is not None:
            result = publish_folder(settings, to, force=force)
            removed = f", removed {len(result.removed)} old file(s)" if result.removed else ""
            out.print(f"Published {result.files} files to {result.destination}{removed}.")
        else:
            result = publish_branch(
                settings, branch=branch, remote=remote, message=message, push=push
            )
            where = f"and pushed to {remote}" if result.pushed else "(not pushed: --no-push)"
            out.print(
                f"Published {result.files} files on branch {branch} ({result.commit[:12]}) {where}."
            )
    except ContentError as exc:
        raise content_failed(exc, "; nothing published") from None
    except SitegenError as exc:
        raise fail(exc) from None


def main() -> None:
    """The ``sitegen`` command; ends the process with ``exit_now`` (call ``app``
    to run a command inside another program)."""
    try:
        app()
    except SystemExit as exc:  # how click ends every command, success included
        exit_now(exc.code)
    exit_now(0)


def exit_now(code: object) -> NoReturn:
    """End the process the way the interpreter would, without its final teardown.

    A normal exit waits for non-daemon threads, runs the ``atexit`` handlers
    (a pool's cleanup, the removal of an old output tree) and flushes the
    standard streams -- all done here -- and then frees every object one by
    one: after a 100,000-review build that took 0.7 s, after a one-review
    edit 0.06 s, for nothing, since the process ends. ``os._exit`` skips it.
    ``code`` is ``SystemExit.code``: None or an int, else a message (status 1).
    Under a profiler or a tracer (cProfile, pyinstrument, coverage), which write
    their results once the program returns, the exit is a normal one.
    """
    if sys.getprofile() is not None or sys.gettrace() is not None:
        raise SystemExit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    try:
        shutdown = getattr(threading, "_shutdown", None)
        if shutdown is not None:
            try:
                shutdown()
            except KeyboardInterrupt:  # Ctrl-C while waiting: stop waiting, as Python does
                pass
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(status)
