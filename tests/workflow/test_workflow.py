"""What Snakemake would rerun after a build, and what it refuses to start.

Every test dry-runs the workflow against the quick build of ``helpers.build`` (built once per
session, with real training, so params, code and mtimes are recorded in ``.snakemake/`` exactly
as after ``make report``). A test that edits a config file or a template restores its content
and its mtime afterwards, so the shared build stays up to date for the next test. Dry-runs
write no output and no metadata, so editing in place is safe.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from helpers import layout
from helpers.common import ROOT

from optireport.config import experiments
from optireport.config.jobs import gd_run_name, grid_point_name, lr_grid
from optireport.devtools import imports

if TYPE_CHECKING:  # imported by pytest itself, as a plugin, so that its asserts are rewritten
    from helpers.build import BuiltReport, Job

pytestmark = pytest.mark.slow

GENERATED_DIRS = ("results", "report", "logs", "benchmarks", ".snakemake/metadata")


def rules_of(jobs: list[Job]) -> set[str]:
    """Rules with at least one planned job, without the ``all`` target itself."""
    return {job.rule for job in jobs} - {"all"}


def jobs_of(jobs: list[Job], rule: str) -> list[Job]:
    return [job for job in jobs if job.rule == rule]


def edit_yaml(path: Path, change) -> dict:
    """Load ``path``, let ``change`` mutate it, write it back; return the new content."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def effective_config(built: BuiltReport) -> dict:
    """The merged configuration the build used, as recorded in the summary."""
    return json.loads(built.summary.read_text(encoding="utf-8"))["config"]


def mtimes(root: Path) -> dict[str, int]:
    """Modification time of every generated file, keyed by its path inside ``root``."""
    found = {}
    for name in GENERATED_DIRS:
        for path in sorted((root / name).rglob("*")):
            if path.is_file():
                found[path.relative_to(root).as_posix()] = path.stat().st_mtime_ns
    return found


@pytest.fixture
def editable(built_report: BuiltReport) -> Iterator[Callable[[str], Path]]:
    """``editable("config/config.yaml")``: a file of the build, restored after the test.

    Content and timestamps are put back, so an edited template does not stay newer than the
    document it was rendered into.
    """
    saved: dict[Path, tuple[bytes, os.stat_result]] = {}

    def path_of(relative: str) -> Path:
        path = built_report.root / relative
        saved.setdefault(path, (path.read_bytes(), path.stat()))
        return path

    yield path_of
    for path, (content, stat) in saved.items():
        path.write_bytes(content)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.fixture
def workspace(built_report: BuiltReport, tmp_path: Path) -> Path:
    """A private copy of the built repository, for a test that runs Snakemake for real."""
    return built_report.copy_to(tmp_path / "repo")


@pytest.fixture(scope="session")
def downstream(built_report: BuiltReport) -> Callable[[str], set[str]]:
    """``downstream(rule)``: the rules a forced rerun of ``rule`` would run (itself included).

    Computed by Snakemake itself (``--forcerun RULE`` dry-run), so the expectations below
    follow the workflow's real dependencies instead of a hand-kept list. All of them are
    computed when the fixture is set up, before a test edits the build: computed later, they
    would include what that edit reruns.
    """
    rules = ("train", "lr_grid", "invitation_train", "invitation_summary", "summary")
    table = {rule: rules_of(built_report.dry_run("--forcerun", rule)) for rule in rules}
    return table.__getitem__


def test_nothing_to_do_after_a_build(built_report: BuiltReport) -> None:
    jobs = built_report.dry_run()
    assert jobs == [], f"a fresh build should be up to date, but would run: {jobs}"


def test_bare_snakemake_finds_the_default_profile(built_report: BuiltReport) -> None:
    """``make report`` runs ``snakemake`` without ``--cores``: the profile must supply it."""
    from helpers.build import QUICK_CONFIG, describe_failure, run_snakemake

    proc = run_snakemake(built_report.root, "--configfile", QUICK_CONFIG, "--dry-run")
    assert proc.returncode == 0, describe_failure(proc)
    output = proc.stdout + proc.stderr
    assert "Using workflow specific profile profiles/default" in output
    assert "Nothing to be done" in output


def test_copied_build_is_still_up_to_date(workspace: Path, built_report: BuiltReport) -> None:
    assert built_report.dry_run(root=workspace) == []


def test_changing_one_gd_run_reruns_only_that_run(
    editable, built_report: BuiltReport, downstream
) -> None:
    runs = effective_config(built_report)["gradient_descent"]["runs"]
    old_name = gd_run_name(runs[3])
    changed = {**runs[3], "iterations": int(runs[3]["iterations"]) * 2}
    new_name = gd_run_name(changed)

    def change(config: dict) -> None:
        config["gradient_descent"]["runs"][3]["iterations"] = changed["iterations"]

    edit_yaml(editable("config/config.yaml"), change)
    jobs = built_report.dry_run()

    assert [job.wildcards["run"] for job in jobs_of(jobs, "gd_run")] == [new_name]
    assert len(jobs_of(jobs, "gd_runs_figure")) == 1
    assert not any(old_name in output for job in jobs for output in job.outputs)
    # Only the new run, the runs' figure and what reads the summary; no training, no other GD.
    assert rules_of(jobs) == {"gd_run", "gd_runs_figure"} | downstream("summary")
    assert {"summary", "document", "render"} <= rules_of(jobs)
    assert not jobs_of(jobs, "train") and not jobs_of(jobs, "lr_grid")


def expected_training(config: dict, optimizer: str) -> set[tuple[str, str]]:
    """One job per input variant trains all the optimizer's seeds."""
    return {(optimizer, str(variant)) for variant in config["training"]["variants"]}


def train_keys(jobs: list[Job]) -> set[tuple[str, str]]:
    return {
        (job.wildcards["optimizer"], job.wildcards["variant"]) for job in jobs_of(jobs, "train")
    }


def test_changing_sgd_learning_rate_retrains_only_sgd(
    editable, built_report: BuiltReport, downstream
) -> None:
    config = effective_config(built_report)
    old_rate = float(config["optimizers"]["SGD"]["args"]["learning_rate"])

    def change(data: dict) -> None:
        data["optimizers"]["SGD"]["args"]["learning_rate"] = old_rate * 2

    edit_yaml(editable("config/config.yaml"), change)
    jobs = built_report.dry_run()

    assert train_keys(jobs) == expected_training(config, "SGD")
    assert len(jobs_of(jobs, "train")) == len(expected_training(config, "SGD"))
    for job in jobs_of(jobs, "train"):
        assert "params" in job.reason.lower(), job
    # The learning-rate grids replace the learning rate with their grid value, so their
    # parameters, and therefore their results and the tuning, do not depend on the configured
    # rate. Where SGD's tuned rate was the old configured one, its tuned trainings were the
    # main ones: now they need their own jobs, at that same rate.
    assert jobs_of(jobs, "lr_grid") == [] and jobs_of(jobs, "tune") == []
    choices = tuning_choices(built_report)["SGD"]
    assert tuned_keys(jobs) == {
        ("SGD", variant, grid_point_name(old_rate)[2:])
        for variant in config["training"]["variants"]
        if choices[variant]["learning_rate"] == old_rate
    }
    # The invitation's experiments built on SGD use its rate, and only those rerun. The
    # learning-rate figure marks each optimizer's configured rate: it is drawn again, from the
    # same grids.
    assert invitation_keys(jobs) == invitation_of(config, "SGD")
    assert rules_of(jobs) - {"train_tuned"} == (
        downstream("train") | downstream("invitation_train") | {"lr_grid_figure"}
    )


def test_changing_another_sgd_argument_also_reruns_its_grids(
    editable, built_report: BuiltReport, downstream
) -> None:
    config = effective_config(built_report)

    def change(data: dict) -> None:
        data["optimizers"]["SGD"]["args"]["momentum"] = 0.5

    edit_yaml(editable("config/config.yaml"), change)
    jobs = built_report.dry_run()

    assert train_keys(jobs) == expected_training(config, "SGD")
    # One job per input variant runs SGD's whole grid.
    grids = jobs_of(jobs, "lr_grid")
    assert sorted((job.wildcards["optimizer"], job.outputs) for job in grids) == [
        ("SGD", (f"results/lr_grid/{variant}/SGD",))
        for variant in sorted(config["training"]["variants"])
    ]
    # The tuned trainings wait for the tune checkpoint, which reruns with SGD's grids. The
    # momentum experiments set their own momentum, so this change leaves them as they are.
    roles = experiments.experiments(config)["momentum"]
    own_momentum = {roles["momentum"], roles["nesterov"]}
    assert invitation_keys(jobs) == invitation_of(config, "SGD") - own_momentum
    assert rules_of(jobs) == (
        downstream("train") | downstream("lr_grid") | downstream("invitation_train")
    )


def invitation_keys(jobs: list[Job]) -> set[str]:
    return {job.wildcards["configuration"] for job in jobs_of(jobs, "invitation_train")}


def invitation_of(config: dict, optimizer: str) -> set[str]:
    """The invitation's configurations that train ``optimizer``."""
    layout = experiments.experiments(config)["configurations"]
    return {name for name, spec in layout.items() if spec["optimizer"] == optimizer}


def test_changing_one_batch_size_trains_only_that_configuration(
    editable, built_report: BuiltReport, downstream
) -> None:
    config = effective_config(built_report)
    sizes = config["invitation"]["batch_size"]["sizes"]

    def change(data: dict) -> None:
        data.setdefault("invitation", {}).setdefault("batch_size", {})["sizes"] = [
            *sizes[:-1],
            sizes[-1] * 2,
        ]

    edit_yaml(editable("config/quick.yaml"), change)
    jobs = built_report.dry_run()

    expected = {
        f"{name}_batch{sizes[-1] * 2}" for name in config["invitation"]["batch_size"]["optimizers"]
    }
    assert invitation_keys(jobs) == expected
    assert not jobs_of(jobs, "train") and not jobs_of(jobs, "lr_grid")
    assert rules_of(jobs) == downstream("invitation_train")


def test_changing_the_patience_trains_nothing(
    editable, built_report: BuiltReport, downstream
) -> None:
    def change(data: dict) -> None:
        data.setdefault("invitation", {})["early_stopping"] = {"patience": 2}

    edit_yaml(editable("config/quick.yaml"), change)
    jobs = built_report.dry_run()

    assert rules_of(jobs) == downstream("invitation_summary")
    assert "invitation_train" not in rules_of(jobs) and "train" not in rules_of(jobs)


def tuning_choices(built: BuiltReport, root: Path | None = None) -> dict:
    rates = (root or built.root) / "results" / "tuning" / "rates.json"
    return json.loads(rates.read_text(encoding="utf-8"))["choices"]


def tuned_keys(jobs: list[Job]) -> set[tuple[str, str, str]]:
    """One job per optimizer, input variant and rate trains all the seeds."""
    return {
        tuple(job.wildcards[k] for k in ("optimizer", "variant", "rate"))
        for job in jobs_of(jobs, "train_tuned")
    }


def test_a_grid_change_retrains_only_the_optimizers_whose_tuned_rate_changed(
    workspace: Path, built_report: BuiltReport
) -> None:
    """Tuned trainings depend on the grid only through the chosen rate's value.

    SGD's grid moves by half a decade, so every point, and its choice, is new. Adam's grid
    gains one diverging point (1.0) and keeps its choice. The grids run for real (their
    choice is data), then a dry-run lists what the new choices require.
    """
    from helpers.build import describe_failure

    config = effective_config(built_report)
    before = tuning_choices(built_report)
    low = config["lr_grid"]["min"] * 10**0.5
    high = config["lr_grid"]["max"] * 10**0.5

    def change(data: dict) -> None:
        data["optimizers"]["SGD"]["lr_grid"] = {"min": low, "max": high}
        adam_points = len(lr_grid(config, "Adam")) + 1
        data["optimizers"]["Adam"]["lr_grid"] = {"max": 1.0, "points": adam_points}

    edit_yaml(workspace / "config" / "config.yaml", change)
    planned = built_report.dry_run(root=workspace)
    assert {
        (j.wildcards["optimizer"], j.wildcards["variant"]) for j in jobs_of(planned, "lr_grid")
    } == {
        (optimizer, variant)
        for optimizer in ("SGD", "Adam")
        for variant in config["training"]["variants"]
    }
    assert jobs_of(planned, "train") == [] and jobs_of(planned, "train_tuned") == []

    proc = built_report.snakemake("--", "results/tuning/rates.json", root=workspace)
    assert proc.returncode == 0, describe_failure(proc)
    after = tuning_choices(built_report, workspace)
    for variant in config["training"]["variants"]:
        assert after["Adam"][variant]["learning_rate"] == before["Adam"][variant]["learning_rate"]
        assert after["SGD"][variant]["learning_rate"] not in before["SGD"][variant]["grid"]
    for name in config["optimizers"]:
        if name not in ("SGD", "Adam"):
            assert after[name] == before[name], name

    jobs = built_report.dry_run(root=workspace)
    assert tuned_keys(jobs) == {
        ("SGD", variant, grid_point_name(after["SGD"][variant]["learning_rate"])[2:])
        for variant in config["training"]["variants"]
    }
    assert jobs_of(jobs, "train") == [] and jobs_of(jobs, "lr_grid") == []


def test_changing_a_template_rerenders_only_the_document(
    editable, built_report: BuiltReport
) -> None:
    template = editable("templates/sections/esencial.md.j2")
    with template.open("a", encoding="utf-8") as handle:
        handle.write("\n{# edited by test_workflow.py #}\n")

    jobs = built_report.dry_run()

    assert Counter(job.rule for job in jobs if job.rule != "all") == {
        "document": 1,
        "render": 1,
        "site": 1,
        "edition": 1,
    }


def test_changing_the_lock_reruns_the_summary_and_what_follows_but_no_computation(
    editable, built_report: BuiltReport, downstream
) -> None:
    """Snakemake cannot see installed versions: a new lock reruns the summary (which names its
    digest) and the document, never a training (docs/instalacion.md, «Qué pasa con las cifras
    del informe»)."""
    lock = editable("requirements.lock")
    with lock.open("a", encoding="utf-8") as handle:
        handle.write("# edited by test_workflow.py\n")

    jobs = built_report.dry_run()

    assert rules_of(jobs) == downstream("summary")
    assert {"train", "lr_grid", "gd_run"}.isdisjoint(rules_of(jobs))


def test_invalid_config_fails_before_any_job(workspace: Path, built_report: BuiltReport) -> None:
    before = mtimes(workspace)
    assert any(path.startswith("results/train/") for path in before)

    def change(config: dict) -> None:
        config.setdefault("training", {})["epochs"] = 0

    edit_yaml(workspace / "config" / "quick.yaml", change)
    proc = built_report.snakemake(root=workspace)
    output = proc.stdout + proc.stderr

    assert proc.returncode != 0
    assert "La configuración no es válida" in output
    assert "«training.epochs» debe ser mayor o igual que 1 (ahora vale 0)" in output
    # Rejected while reading the Snakefile: no DAG, no job, no file written or touched.
    assert "Building DAG" not in output
    assert "Job stats" not in output
    assert mtimes(workspace) == before


def test_snakemake_report_has_every_figure_with_spanish_captions(
    built_report: BuiltReport, tmp_path: Path
) -> None:
    """`snakemake --report` packs the figures, each with its caption and category."""
    import zipfile

    archive = tmp_path / "informe-snakemake.zip"
    proc = built_report.snakemake("--report", str(archive))
    assert proc.returncode == 0, proc.stderr[-2000:]
    with zipfile.ZipFile(archive) as report:
        names = report.namelist()
        text = "\n".join(
            report.read(name).decode("utf-8", "replace")
            for name in names
            if name.endswith((".html", ".js", ".json"))
        )
    for figure in ("digits.svg", "accuracy.svg", "gd_methods.svg", "lr_grid.svg"):
        assert any(name.endswith(figure) for name in names), figure
    # Captions and categories sit in the report's JavaScript data, JSON-escaped.
    for words in (
        "Un ejemplo de cada dígito",
        "Descenso por gradiente",
        "Experimentos",
        "Informe reproducible sobre optimizadores de redes neuronales",
    ):
        assert json.dumps(words)[1:-1] in text, words


def dry_run_inputs(text: str) -> dict[str, list[set[str]]]:
    """The inputs of every job of a dry-run, per rule."""
    found: dict[str, list[set[str]]] = {}
    for rule, body in re.findall(
        r"^(?:local)?(?:rule|checkpoint) (\w+):\n((?:\s+\w+: .*\n)+)", text, re.M
    ):
        inputs = re.search(r"^\s+input: (.*)$", body, re.M)
        found.setdefault(rule, []).append(set(inputs.group(1).split(", ")) if inputs else set())
    return found


def test_every_module_a_script_imports_is_an_input_of_its_rule(built_report: BuiltReport) -> None:
    proc = built_report.snakemake("--dry-run", "--forceall")
    assert proc.returncode == 0, proc.stderr[-2000:]
    jobs = dry_run_inputs(proc.stdout + proc.stderr)
    scripts = layout.rule_scripts()
    # A tuned training may coincide with a main one everywhere in the quick build.
    assert set(scripts) - set(jobs) <= {"train_tuned"}
    for rule, script in scripts.items():
        needed = {
            imports.module_file(m, ROOT)
            for m in layout.modules_run_by(layout.SCRIPTS / f"{script}.py")
        }
        assert needed, rule
        for inputs in jobs.get(rule, []):
            assert needed <= inputs, f"{rule}: {sorted(needed - inputs)} are not inputs"
            listed = {path for path in inputs if path.startswith("src/optireport/")}
            assert listed == needed, f"{rule} lists modules its script does not run"


def test_publishing_elsewhere_reruns_nothing(built_report: BuiltReport, editable) -> None:
    def change(config: dict) -> None:
        config["report"]["publish"].update(folder="otro-sitio", target="git", branch="pages")

    edit_yaml(editable("config/config.yaml"), change)
    assert built_report.dry_run() == []


@pytest.mark.parametrize(
    ("old", "new", "shown_by"),
    [
        (
            '"scaled": "entrada escalada"',
            '"scaled": "entrada normalizada"',
            {"variants_figure", "fair_comparison_figure", "predictions_figure"},
        ),
        ('"adam": "Adam"', '"adam": "Adam (1-D)"', {"gd_methods_figures"}),
    ],
)
def test_changing_a_display_label_reruns_the_figures_that_show_it(
    built_report: BuiltReport, editable, monkeypatch, old: str, new: str, shown_by: set[str]
) -> None:
    labels = editable("src/optireport/text/labels.py")
    text = labels.read_text(encoding="utf-8")
    assert old in text
    labels.write_text(text.replace(old, new), encoding="utf-8")
    # The workflow reads the labels of the copy being built, not of the installed package.
    monkeypatch.setenv("PYTHONPATH", str(built_report.root / "src"))

    rules = {job.rule for job in built_report.dry_run()} - {"all"}
    assert rules == shown_by | {"document", "render", "site", "edition"}
