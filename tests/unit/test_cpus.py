"""The default hash workers count the CPUs this process may use, not the machine's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from entrypoints import cpus
from entrypoints.cpus import cgroup_quota, usable_cpus
from entrypoints.settings import Settings, resolve_hash_workers


def cpu_max(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "cpu.max"
    path.write_text(content, encoding="ascii")
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("max 100000\n", None),
        ("200000 100000\n", 2),
        ("150000 100000\n", 2),  # one and a half CPUs: a part counts as one
        ("50000 100000\n", 1),
        ("garbage\n", None),
        ("0 100000\n", None),
        ("100000 0\n", None),
    ],
)
def test_the_cgroup_quota_in_whole_cpus(tmp_path: Path, content: str, expected: int | None) -> None:
    assert cgroup_quota(cpu_max(tmp_path, content)) == expected


def test_no_cgroup_file_is_no_quota(tmp_path: Path) -> None:
    assert cgroup_quota(tmp_path / "missing") is None


@pytest.fixture
def sixty_four_cpus_four_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(4)), raising=False)


@pytest.mark.usefixtures("sixty_four_cpus_four_allowed")
@pytest.mark.parametrize(
    ("content", "expected"),
    [("max 100000\n", 4), ("200000 100000\n", 2), ("800000 100000\n", 4)],
)
def test_the_fewer_of_affinity_and_quota(tmp_path: Path, content: str, expected: int) -> None:
    assert usable_cpus(cpu_max(tmp_path, content)) == expected


@pytest.mark.usefixtures("sixty_four_cpus_four_allowed")
def test_unset_hash_workers_follow_the_usable_cpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CASEWORKS_HASH_WORKERS", raising=False)
    monkeypatch.setattr(cpus, "CGROUP_CPU_MAX", cpu_max(tmp_path, "300000 100000\n"))
    assert resolve_hash_workers(Settings(_env_file=None)) == 2  # 3 CPUs, one for serving
    monkeypatch.setattr(cpus, "CGROUP_CPU_MAX", tmp_path / "missing")
    assert resolve_hash_workers(Settings(_env_file=None)) == 3  # the 4 allowed, not 64
