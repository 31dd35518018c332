"""The program finds resources/ and i18n/ wherever it lives: a checkout, a wheel, a frozen build."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from exchange_desk import paths


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    paths.data_root.cache_clear()
    yield
    paths.data_root.cache_clear()


def _layout(root: Path) -> Path:
    (root / "resources").mkdir(parents=True)
    (root / "i18n").mkdir()
    return root


@pytest.mark.usefixtures("fresh_cache")
def test_a_checkout_uses_the_repository_folders() -> None:
    root = paths.data_root()
    assert (root / "pyproject.toml").is_file()
    assert paths.i18n_dir() == root / "i18n"
    assert (paths.i18n_dir() / "he" / "LC_MESSAGES" / "exchange_desk.po").is_file()


@pytest.mark.usefixtures("fresh_cache")
def test_a_frozen_program_uses_its_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = _layout(tmp_path / "bundle")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert paths.data_root() == bundle
    assert paths.resources_dir() == bundle / "resources"


@pytest.mark.usefixtures("fresh_cache")
def test_an_installed_wheel_uses_the_package_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site-packages" / "exchange_desk"
    _layout(package / "_data")
    monkeypatch.setattr(paths, "_PACKAGE_DIR", package)
    assert paths.data_root() == package / "_data"


@pytest.mark.usefixtures("fresh_cache")
def test_missing_files_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "_PACKAGE_DIR", tmp_path / "a" / "b" / "exchange_desk")
    with pytest.raises(FileNotFoundError, match="resources are missing"):
        paths.data_root()
