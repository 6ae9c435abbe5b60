"""The ``sitegen`` command line: a thin typer layer over the commands' modules.

Exit codes: 0 success; 1 the content has errors (under ``--strict``) or the build
failed; 2 wrong usage or configuration (bad option, bad ``sitegen.toml``, unsafe
output folder).
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
from typing import Annotated, Any, NoReturn, Optional

import typer

from generator import __version__
from generator.config import SiteConfig, load_config
from generator.exceptions import ContentError, Problem, SitegenError, printable


def _unset_options_without_pydantic() -> None:
    """Let typer process an option left unset (None) without importing pydantic.

    typer (0.2x) coerces each parameter's value through a pydantic ``TypeAdapter``
    it builds on first use, and builds it even for a value of None, which its
    coercion returns as it is (``RuntimeParam.coerce``): a plain ``sitegen build``
    imports pydantic for nothing, 0.07 CPU-s of every command. Here a None value
    goes through typer's own pass-through coercion instead (same ``coerce``, same
    result: None, or () for a multiple option), and typer's processing -- the
    required check, the callback -- is unchanged. So is a string given to a plain
    text option (``--executor serial``: ``_plain_text``), which typer's coercion
    returns as it is (another 0.1 CPU-s of a build given one). Any other value
    given on the command line is coerced by typer as always. Versions of typer
    without these internals (those before pydantic) are left alone.
    """
    try:
        from typer._coercion import PassThroughRuntimeParam
        from typer.core import _TyperParameter
    except ImportError:
        return
    original = _TyperParameter.process_value
    if getattr(original, "sitegen_unset", False) or not hasattr(
        _TyperParameter, "get_runtime_param"
    ):
        return

    def process_value(self: Any, ctx: Any, value: Any) -> Any:
        if getattr(self, "_runtime_param", True) is not None:
            return original(self, ctx, value)
        described = self.type_descriptor
        if value is None:
            annotation = described.annotation
        elif type(value) is str and _plain_text(self, described):
            # A string given to a plain text option (``--executor serial``): what
            # typer's pydantic coercion returns is the string itself (its
            # ``_parse_cli_str``); the pass-through checks it is a ``str``.
            annotation = str
        else:
            return original(self, ctx, value)
        self._runtime_param = PassThroughRuntimeParam(
            parameter_info=described.parameter_info, annotation=annotation
        )
        try:
            return original(self, ctx, value)
        finally:
            self._runtime_param = None  # (a value given later is coerced by typer)

    process_value.sitegen_unset = True  # type: ignore[attr-defined]
    _TyperParameter.process_value = process_value  # type: ignore[method-assign]


def _plain_text(param: Any, described: Any) -> bool:
    """Whether typer reads the option ``param`` as a plain string: annotated
    ``str`` or ``str | None``, one value, no parser, choices or path checks of
    its own (typer's coercion of a string is then that very string)."""
    return (
        described.annotation in _TEXT_ANNOTATIONS
        and described.parameter_info.parser is None
        and not param.multiple
        and param.nargs == 1
        and described.file_annotation is None
        and not described.is_path
        and described.choices is None
    )


_TEXT_ANNOTATIONS = (str, str | None, Optional[str])  # noqa: UP045 - (as typing may give it)


_unset_options_without_pydantic()

app = typer.Typer(
    name="sitegen",
    help="Static review-summary site generator: French reviews in, a static site with verdicts, aspects and quotes out.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


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


# Options shared by the commands that build (build, serve, publish, analyze).
ContentOption = Annotated[
    Path | None, typer.Option(help="Folder of reviews. [default: content/ or sitegen.toml]")
]
OutputOption = Annotated[
    Path | None, typer.Option(help="Folder to write the site to. [default: output/]")
]
TemplatesOption = Annotated[
    Path | None,
    typer.Option(help="Folder of templates overriding the built-in theme. [default: templates/]"),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Settings file. [default: ./sitegen.toml if present]"),
]


def _version(value: bool) -> None:
    if value:
        print(f"sitegen {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log what happens, for debugging.")
    ] = False,
) -> None:
    """sitegen builds a static site that sums up reviews: one page per film, series or
    product with a verdict, the aspects reviewers discuss, pro and con quotes and a
    card per review."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def fail(error: SitegenError) -> typer.Exit:
    err.print(f"error: {error}")
    return typer.Exit(error.exit_code)


def content_failed(error: ContentError, tail: str = "") -> typer.Exit:
    """Every problem of a build stopped by its content (file and line each), then
    its one-line reason."""
    print_problems(error.problems, limit=None)
    err.print(f"error: {str(error).splitlines()[0]}{tail}")
    return typer.Exit(1)


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
def build(
    content: ContentOption = None,
    output: OutputOption = None,
    templates: TemplatesOption = None,
    config: ConfigOption = None,
    strict: Annotated[
        bool,
        typer.Option(help="Fail (exit 1) on any content error instead of skipping the bad rows."),
    ] = False,
    force: Annotated[
        bool, typer.Option(help="Replace a non-empty output folder that sitegen did not create.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Processes analysing reviews. [default: every core]"
        ),
    ] = None,
    executor: Annotated[
        str | None,
        typer.Option(
            "--executor",
            help="Where analysis runs: process, serial or dask://HOST:PORT (needs sitegen[dask]). [default: process]",
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Ignore .sitegen-cache/: analyse every review and rewrite every page.",
        ),
    ] = False,
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
def analyze(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Review files (.txt, .md, .csv, .tsv, .json, .jsonl).", exists=True, dir_okay=False
        ),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per review, one per line.")
    ] = False,
    config: ConfigOption = None,
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
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    host: Annotated[
        str, typer.Option(help="Address to listen on; 0.0.0.0 shows the preview to the network.")
    ] = "127.0.0.1",
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the site in the web browser.")
    ] = False,
    content: ContentOption = None,
    output: OutputOption = None,
    templates: TemplatesOption = None,
    config: ConfigOption = None,
    strict: Annotated[
        bool, typer.Option(help="Treat any content error as a failed build (shown in the browser).")
    ] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Another name the server answers to (e.g. laptop.local); repeat for more.",
        ),
    ] = None,
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
def new(
    directory: Annotated[
        Path, typer.Argument(help="Folder to create the site in (new or empty).", file_okay=True)
    ],
) -> None:
    """Create a new site: a commented sitegen.toml, example reviews and templates/."""
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
def publish(
    to: Annotated[
        Path | None,
        typer.Option(
            "--to",
            help="Mirror the site into this folder instead of a git branch (removes files no longer in the site).",
        ),
    ] = None,
    branch: Annotated[str, typer.Option(help="Git branch to commit the site to.")] = "gh-pages",
    remote: Annotated[str, typer.Option(help="Git remote to push the branch to.")] = "origin",
    message: Annotated[
        str | None,
        typer.Option(
            "--message",
            "-m",
            help="Commit message. [default: Deployed <sha> with sitegen <version>]",
        ),
    ] = None,
    push: Annotated[
        bool, typer.Option("--push/--no-push", help="Push the branch after committing.")
    ] = True,
    build_first: Annotated[
        bool, typer.Option("--build/--no-build", help="Build before publishing.")
    ] = True,
    strict: Annotated[
        bool, typer.Option(help="Refuse to publish if the content has any error.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(help="With --to: mirror into a non-empty folder that sitegen did not create."),
    ] = False,
    config: ConfigOption = None,
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
