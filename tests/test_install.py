"""The install does not drift: requirements*.txt (kept by hand) are all pinned, with hashes, in
requirements.lock, which `make venv` installs from; pyproject.toml names the `qa-dashboard`
command and the package's data files."""
from __future__ import annotations

import importlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from qa_dashboard import cli

REPO_ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(file_name: str) -> list[Requirement]:
    """The packages a requirements file names (its `-r` includes are read on their own)."""
    found = []
    for line in (REPO_ROOT / file_name).read_text(encoding="utf-8").splitlines():
        line = line.split(" #")[0].strip()
        if line and not line.startswith(("#", "-")):
            found.append(Requirement(line))
    return found


def lock() -> dict[str, tuple[str, list[str]]]:
    """requirements.lock as {package: (version, [hashes])}."""
    pins: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in (REPO_ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        pin = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if pin:
            current = normalised(pin.group(1))
            pins[current] = (pin.group(2), [])
        elif line.strip().startswith("--hash=sha256:") and current:
            pins[current][1].append(line.strip().split(":", 1)[1].rstrip(" \\"))
        elif line.strip() and not line.startswith((" ", "#")):
            pytest.fail(f"requirements.lock: a line that is not an exact pin: {line!r}")
    return pins


@pytest.mark.parametrize("file_name", ["requirements.txt", "requirements-dev.txt"])
def test_every_requirement_is_pinned_in_the_lock_with_a_hash(file_name):
    pins = lock()
    named = requirements(file_name)
    assert named, f"{file_name} names no packages"
    for requirement in named:
        assert normalised(requirement.name) in pins, f"{requirement.name} ({file_name}) is not in requirements.lock: make lock"
        version, hashes = pins[normalised(requirement.name)]
        assert hashes, f"{requirement.name}=={version} has no hash in requirements.lock"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {requirement.name}=={version}, outside {file_name}'s {requirement.specifier}: make lock")


def test_every_package_in_the_lock_has_a_sha256_hash():
    unhashed = [name for name, (_, hashes) in lock().items()
                if not hashes or not all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)]
    assert not unhashed


def test_the_project_depends_on_what_requirements_txt_names():
    assert "dependencies" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["dependencies"] == {"file": ["requirements.txt"]}


def test_the_qa_dashboard_command_is_the_command_lines_main():
    module, _, function = PYPROJECT["project"]["scripts"]["qa-dashboard"].partition(":")
    assert getattr(importlib.import_module(module), function) is cli.main


def test_every_data_file_of_the_package_is_in_its_package_data():
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["qa_dashboard"]
    package = REPO_ROOT / "qa_dashboard"
    data = [path.relative_to(package) for path in package.rglob("*")
            if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts]
    assert data, "the package has no data files to check"
    left_out = [str(path) for path in data if not any(path.match(pattern) for pattern in patterns)]
    assert not left_out


def test_the_installed_command_runs_this_folders_code(tmp_path):
    command = Path(sys.executable).parent / "qa-dashboard"
    if not command.exists():
        pytest.skip("qa-dashboard is not installed in this environment: `make venv` installs it")
    # From another folder, so nothing but the install can find the package.
    result = subprocess.run([str(command), "template", str(tmp_path / "blank.xlsx")], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "blank.xlsx").is_file()
    where = subprocess.run([sys.executable, "-c", "import qa_dashboard; print(qa_dashboard.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True)
    assert Path(where.stdout.strip()).parent == REPO_ROOT / "qa_dashboard"
