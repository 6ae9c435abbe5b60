"""The typer CLI: build, analyze, --version, --help, config defaults and errors."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from generator import __version__
from generator.cli import app

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "cafe.txt").write_text(
        "Un excellent café, le service est parfait et l'accueil chaleureux.\n"
        "\n"
        "Café tiède et serveur désagréable, je suis très déçu.\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"sitegen {__version__}"


@pytest.mark.parametrize("command", ["build", "analyze"])
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.stdout and len(result.stdout.splitlines()) > 5


def test_build_uses_default_folders(site: Path) -> None:
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    assert (site / "output" / "index.html").is_file()
    assert (site / "output" / "cafe" / "index.html").is_file()
    assert "2 reviews" in result.stdout


def test_build_reads_sitegen_toml(site: Path) -> None:
    (site / "avis").mkdir()
    shutil.move(site / "content" / "cafe.txt", site / "avis" / "cafe.txt")
    (site / "sitegen.toml").write_text(
        '[site]\ntitle = "Mes cafés"\nlanguage = "en"\ncontent_dir = "avis"\noutput_dir = "public"\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    home = (site / "public" / "index.html").read_text(encoding="utf-8")
    assert "Mes cafés" in home and 'lang="en"' in home


def test_options_override_the_config(site: Path) -> None:
    result = runner.invoke(app, ["build", "--output", str(site / "elsewhere")])
    assert result.exit_code == 0, result.output
    assert (site / "elsewhere" / "index.html").is_file()
    assert not (site / "output").exists()


def test_bad_config_is_a_usage_error_naming_the_file_and_key(site: Path) -> None:
    (site / "sitegen.toml").write_text('[site]\nrating_scale = "cinq"\n', encoding="utf-8")
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 2
    assert "sitegen.toml" in result.output and "rating_scale" in result.output
    assert "Traceback" not in result.output


def test_missing_content_folder_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 2
    assert "content" in result.output and "does not exist" in result.output


def test_analyze_json_lines(site: Path) -> None:
    result = runner.invoke(app, ["analyze", "--json", "content/cafe.txt"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2
    assert rows[0]["label"] == "positive" and rows[1]["label"] == "negative"
    assert rows[0]["source"] == "content/cafe.txt:1" and rows[1]["source"] == "content/cafe.txt:3"
    assert all(-1 <= r["polarity"] <= 1 and r["sentences"] for r in rows)


def test_analyze_table(site: Path) -> None:
    result = runner.invoke(app, ["analyze", "content/cafe.txt"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "positive" in result.stdout and "negative" in result.stdout


def test_analyze_unknown_format(site: Path) -> None:
    (site / "notes.doc").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["analyze", "notes.doc"])
    assert result.exit_code == 2
    assert "no reader for '.doc'" in result.output


def _buffered_env() -> dict[str, str]:
    """The environment without PYTHONUNBUFFERED: output to a pipe is buffered."""
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


@pytest.mark.parametrize(
    ("code", "status", "stderr"),
    [("None", 0, ""), ("3", 3, ""), ("'cannot go on'", 1, "cannot go on\n")],
)
def test_exit_now_ends_the_process_as_a_normal_exit_would(
    code: str, status: int, stderr: str
) -> None:
    """``exit_now`` skips the interpreter's teardown, not what a normal exit does
    first: waiting for threads, the atexit handlers, flushing buffered output."""
    import subprocess
    import sys

    script = (
        "import atexit, sys, threading, time\n"
        "from generator.cli import exit_now\n"
        "atexit.register(lambda: print('handler ran'))\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n"
        "sys.stdout.write('buffered ')\n"
        f"exit_now({code})\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=_buffered_env(),
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        status,
        "buffered thread done\nhandler ran\n",
        stderr,
    )


def test_the_command_prints_its_summary_through_a_pipe(site: Path) -> None:
    """``sitegen build`` run as a program, output piped (block-buffered): the
    summary line arrives, and the exit status is the command's."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "generator", "build"]
    done = subprocess.run(
        command,
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=_buffered_env(),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built 1 subject")
    failed = subprocess.run(
        [*command, "--content", "nope"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert failed.returncode == 2
    assert "content folder nope does not exist" in failed.stderr


def test_exit_now_runs_the_atexit_handlers_after_ctrl_c_while_waiting_for_threads() -> None:
    import signal
    import subprocess
    import sys

    script = (
        "import atexit, threading, time\n"
        "from generator.cli import exit_now\n"
        "atexit.register(lambda: print('handler ran', flush=True))\n"
        "threading.Thread(target=time.sleep, args=(30,)).start()\n"
        "join = threading._shutdown\n"
        "def joining():\n"
        "    print('waiting', flush=True)\n"
        "    join()\n"
        "threading._shutdown = joining\n"
        "exit_now(0)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=_buffered_env()
    )
    try:
        assert process.stdout is not None
        # exit_now is waiting for the thread: a Ctrl-C from now on interrupts the wait.
        assert process.stdout.readline() == "waiting\n"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert process.stdout.read() == "handler ran\n"
    finally:
        process.kill()


def test_under_a_profiler_the_command_exits_normally(tmp_path: Path) -> None:
    """cProfile writes its results once the program returns: ``exit_now`` must
    not cut it short."""
    import subprocess
    import sys

    stats = tmp_path / "sitegen.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "generator", "--version"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("sitegen ")
    assert stats.stat().st_size > 0


def test_messages_without_a_console_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under pythonw, or with standard output closed, there is no stream to write
    the summary line or a warning to: the command must not fail on it."""
    from generator import cli

    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    cli.out.print("Built 1 subject")
    cli.err.print("warning: x")


def test_a_plain_build_does_not_import_pydantic_and_given_values_are_still_checked(
    site: Path,
) -> None:
    """Options left unset skip typer's pydantic coercion (``cli._unset_options_
    without_pydantic``: 0.07 CPU-s of every command); a value given is coerced
    and checked by typer as before."""
    import subprocess
    import sys

    refused = runner.invoke(app, ["build", "--jobs", "0"])
    assert refused.exit_code == 2 and "--jobs" in refused.output
    accepted = runner.invoke(app, ["build", "--jobs", "1", "--executor", "serial"])
    assert accepted.exit_code == 0, accepted.output
    if not typer.__version__.startswith("0.29."):
        # The shortcut reads typer internals as 0.29 has them; another typer may
        # import pydantic again (slower, never wrong): not a failure of sitegen.
        pytest.skip(f"typer {typer.__version__}: the pydantic shortcut was written for 0.29")
    # (and a string given to a plain text option is that string: ``--executor``)
    for given in ([], ["--executor", "serial"]):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "generator", "build", "-q", *given],
            cwd=site,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
        assert "generator.cli" in imported and "jinja2" in imported
        assert not [name for name in imported if name.split(".")[0] == "pydantic"], given
