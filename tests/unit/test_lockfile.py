"""requirements.lock: it covers pyproject.toml, it is what is installed, environment.yml uses it."""

from __future__ import annotations

import hashlib
import re
import tomllib

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from optireport.store import lockfile, paths

ROOT = paths.ROOT
LOCK = ROOT / lockfile.LOCK


@pytest.fixture(scope="module")
def locked() -> dict[str, str]:
    return lockfile.pins(LOCK.read_text(encoding="utf-8"))


def project_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(r) for r in listed]


def test_pins_follow_the_markers_of_this_platform():
    text = (
        "numpy==2.4.6 \\\n"
        "    --hash=sha256:" + "0" * 64 + "\n"
        "    # via optireport (pyproject.toml)\n"
        "colorama==0.4.6 ; sys_platform == 'win32' \\\n"
        "    --hash=sha256:" + "1" * 64 + "\n"
        "Jinja2==3.1.6 ; python_full_version >= '3.11' \\\n"
        "    --hash=sha256:" + "2" * 64 + "\n"
    )
    assert lockfile.pins(text) == {"numpy": "2.4.6", "jinja2": "3.1.6"}


def test_differences_name_a_missing_package_and_a_version_that_is_not_the_locked_one():
    installed = lockfile.pins(LOCK.read_text(encoding="utf-8"))["pyyaml"]
    assert lockfile.differences({"pyyaml": installed}) == []
    assert lockfile.differences({"pyyaml": "0.1"}) == [
        f"pyyaml: instalado {installed}, bloqueado 0.1"
    ]
    assert lockfile.differences({"no-such-package-here": "1.0"}) == [
        "no-such-package-here: no instalado (bloqueado: 1.0)"
    ]


def test_facts_give_the_digest_of_the_file_itself(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("pyyaml==0.1 \\\n    --hash=sha256:" + "0" * 64 + "\n", encoding="utf-8")
    facts = lockfile.facts(lock)
    assert facts["sha256"] == hashlib.sha256(lock.read_bytes()).hexdigest()
    assert facts["file"] == "requirements.lock" and facts["packages"] == 1
    assert len(facts["differences"]) == 1


def test_every_requirement_of_the_project_and_its_dev_tools_is_pinned_within_its_range(locked):
    for requirement in project_requirements():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in {LOCK.name}: run `make lock`"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"{LOCK.name} pins {name}=={locked[name]}, outside {requirement}: run `make lock`"
        )


def test_every_pin_has_a_hash_so_pip_can_install_with_require_hashes():
    blocks = re.split(r"\n(?=[A-Za-z])", LOCK.read_text(encoding="utf-8"))
    pinned = [block for block in blocks if re.match(r"[A-Za-z0-9]", block)]
    assert len(pinned) >= 100
    for block in pinned:
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", block), block.splitlines()[0]
    # Made by the tool that `make lock` runs, for the platform markers of every user.
    assert "make lock" in blocks[0] and "uv" in blocks[0]


def test_the_running_environment_is_exactly_the_lock(locked):
    # `make test` runs in the environment `make` installed from the lock; a stale or hand-made
    # environment fails here, naming each package that differs.
    assert lockfile.differences(locked) == []
    assert locked["tensorflow"] and locked["keras"]


def test_environment_yml_takes_its_python_packages_from_the_lock_and_nothing_else():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    dependencies = environment["dependencies"]
    pip_sections = [d["pip"] for d in dependencies if isinstance(d, dict)]
    assert pip_sections == [[f"-r {LOCK.name}"]]
    conda_packages = {d.split("=")[0] for d in dependencies if isinstance(d, str)}
    # Python itself, pip to install the lock, the Quarto CLI (not a Python package).
    assert conda_packages == {"python", "pip", "quarto"}
    assert "python=3.11" in dependencies
