"""The workflow's layout: a rule's package inputs are what its script runs (the dry-run tests
that check the rules' real inputs are in ``test_workflow.py``)."""

from __future__ import annotations

import modulefinder
import re
from pathlib import Path

from conftest import ROOT

from optireport import imports

SRC = ROOT / "src"
SCRIPTS = ROOT / "workflow" / "scripts"
_RULE = re.compile(r"^(?:rule|checkpoint) (\w+):\n(.*?)(?=^\S|\Z)", re.M | re.S)
_SCRIPT = re.compile(r'script:\s*\n\s*"\.\./scripts/(\w+)\.py"')


def rule_scripts() -> dict[str, str]:
    """Every rule with a ``script:``, and the script's name, read from the rule files."""
    found = {}
    for path in sorted((ROOT / "workflow" / "rules").glob("*.smk")):
        for name, body in _RULE.findall(path.read_text(encoding="utf-8")):
            script = _SCRIPT.search(body)
            if script:
                found[name] = script.group(1)
    return found


def modules_run_by(script: Path) -> set[str]:
    """The package modules running ``script`` loads, as Python's own ``modulefinder`` sees
    them (an implementation independent of ``optireport.imports``)."""
    finder = modulefinder.ModuleFinder(path=[str(SRC)])
    finder.run_script(str(script))
    return {name.split(".")[1] for name in finder.modules if name.startswith("optireport.")}


def test_import_reader_agrees_with_modulefinder_on_every_script() -> None:
    scripts = rule_scripts()
    assert len(scripts) > 20 and set(scripts.values()) <= {p.stem for p in SCRIPTS.glob("*.py")}
    for script in sorted(set(scripts.values())):
        source = SCRIPTS / f"{script}.py"
        assert set(imports.package_modules(source)) == modules_run_by(source), script


def test_imports_are_followed_through_the_package(tmp_path: Path) -> None:
    package = tmp_path / "optireport"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from optireport import b\n")
    (package / "b.py").write_text("def f():\n    import optireport.c\n")
    (package / "c.py").write_text("from optireport.d import thing\n")
    (package / "d.py").write_text("thing = 1\n")
    (package / "e.py").write_text("")
    script = tmp_path / "script.py"
    script.write_text("import json\nfrom optireport import a, not_a_module\n")
    assert imports.package_modules(script, package) == ["a", "b", "c", "d"]


def test_each_caption_has_one_source_used_by_both_reports() -> None:
    """``workflow/report/<figure>.rst`` is the figure's caption in ``snakemake --report`` and
    the lead of its caption in the course report: no second copy to drift."""
    captions = {p.stem for p in (ROOT / "workflow" / "report").glob("*.rst")} - {"workflow"}
    rules = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "workflow/rules").glob("*.smk"))
    templates = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "templates").rglob("*.j2"))
    assert set(re.findall(r'caption="\.\./report/(\w+)\.rst"', rules)) == captions
    assert set(re.findall(r'caption\("(\w+)"\)', templates)) == captions
    # Every figure of the document takes the lead of its caption from there.
    figures = re.findall(r"!\[(.*?)\]\(figures/(\w+)\.svg\)", templates)
    assert figures and all(
        text.startswith(f'{{{{ caption("{name}") }}}}') for text, name in figures
    )


def test_snakemake_report_opens_with_the_workflow_description() -> None:
    snakefile = (ROOT / "Snakefile").read_text(encoding="utf-8")
    assert re.search(r'^report: "workflow/report/workflow\.rst"$', snakefile, re.M)
    assert (ROOT / "workflow" / "report" / "workflow.rst").read_text(encoding="utf-8").strip()
