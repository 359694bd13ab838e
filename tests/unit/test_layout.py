"""The workflow's layout: a rule's package inputs are what its script runs (the dry-run tests
that check the rules' real inputs are in ``test_workflow.py``)."""

from __future__ import annotations

import re
from pathlib import Path

from helpers.common import ROOT
from helpers.layout import SCRIPTS, modules_run_by, rule_scripts

from optireport.devtools import imports


def test_import_reader_agrees_with_modulefinder_on_every_script() -> None:
    scripts = rule_scripts()
    assert len(scripts) > 20 and set(scripts.values()) <= {p.stem for p in SCRIPTS.glob("*.py")}
    for script in sorted(set(scripts.values())):
        source = SCRIPTS / f"{script}.py"
        assert set(imports.package_modules(source)) == modules_run_by(source), script


def test_imports_are_followed_through_the_package(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "fakepkg"
    (package / "sub").mkdir(parents=True)
    for init in (package / "__init__.py", package / "sub" / "__init__.py"):
        init.write_text("")
    (package / "a.py").write_text("from fakepkg.sub import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    import fakepkg.c\n")
    (package / "c.py").write_text("from fakepkg.d import thing\n")
    (package / "d.py").write_text("thing = 1\n")
    (package / "e.py").write_text("")
    script = tmp_path / "script.py"
    script.write_text("import json\nfrom fakepkg import a, not_a_module\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert imports.package_modules(script, "fakepkg") == [
        "fakepkg.a",
        "fakepkg.c",
        "fakepkg.d",
        "fakepkg.sub.b",
    ]


def test_each_caption_has_one_source_used_by_both_reports() -> None:
    """``workflow/report/<figure>.rst`` is the figure's caption in ``snakemake --report`` and
    the lead of its caption in the course report: no second copy to drift."""
    captions = {p.stem for p in (ROOT / "workflow" / "report").glob("*.rst")} - {"workflow"}
    rules = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "workflow/rules").glob("*.smk"))
    templates = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "templates").rglob("*.j2"))
    named = set(re.findall(r'caption="\.\./report/(\w+)\.rst"', rules))
    # The invitation's figures, one per experiment switched on, are named in common.smk.
    assert 'caption=f"../report/{name}.rst"' in rules
    block = re.search(r"INVITATION_FIGURES = \{(.*?)\}", rules, re.S).group(1)
    assert named | set(re.findall(r'"(\w+)": "', block)) == captions
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
