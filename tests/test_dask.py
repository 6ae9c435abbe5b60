"""The analysis on a Dask cluster gives the local results; Dask stays optional."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_incremental import tree

from generator.commands.build import build
from generator.config import SiteConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from corpus import make_corpus


def test_importing_sitegen_does_not_import_dask() -> None:
    code = (
        "import sys, generator.cli, generator.commands.build, generator.executors; "
        "assert not [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("processes", [False, True])
def test_dask_local_cluster_equals_local(tmp_path: Path, processes: bool) -> None:
    distributed = pytest.importorskip("distributed")
    root = tmp_path / "site"
    make_corpus(root, reviews=150, subjects=4, seed=2, mean_chars=300)
    config = SiteConfig(
        content_dir=root / "content",
        output_dir=root / "local",
        config_path=root / "sitegen.toml",
        page_size=20,
    )
    local = build(config, executor="serial", cache=False)
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=processes,
        dashboard_address=None,
        host="127.0.0.1",
        protocol="tcp://",
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        remote = build(
            config.replace(output_dir=root / "dask"),
            executor="dask://" + address.removeprefix("tcp://"),
            cache=False,
        )
    assert remote.executor.startswith("Dask at tcp://127.0.0.1:")
    assert remote.analyzed == local.analyzed == 150
    assert tree(root / "dask") == tree(root / "local")


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from generator.exceptions import ConfigError

    root = tmp_path / "site"
    make_corpus(root, reviews=5, subjects=1, seed=2, mean_chars=100)
    config = SiteConfig(
        content_dir=root / "content", output_dir=root / "out", config_path=root / "sitegen.toml"
    )
    with pytest.raises(ConfigError, match="Dask scheduler"):
        build(config, executor="dask://127.0.0.1:9", cache=False)
