"""The comparison thresholds have one source, the config: a changed ``findings.collapse_share``
reaches every chapter, and every chapter then agrees on which runs collapsed."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers.build import BuiltReport, describe_failure


def test_a_new_collapse_share_reaches_every_chapter(
    built_report: BuiltReport, tmp_path: Path
) -> None:
    root = built_report.copy_to(tmp_path / "repo")
    overlay = root / "umbral.yaml"
    overlay.write_text("findings:\n  collapse_share: 0.5\n", encoding="utf-8")
    before = json.loads(built_report.summary.read_text(encoding="utf-8"))
    proc = built_report.snakemake(
        "--configfile", "config/quick.yaml", str(overlay), "--", "report/informe.qmd", root=root
    )
    assert proc.returncode == 0, describe_failure(proc)
    summary = json.loads((root / "results" / "summary.json").read_text(encoding="utf-8"))
    assert summary["config"]["findings"]["collapse_share"] == 0.5
    # The quick build has runs whose majority share lies between 0.5 and 0.9: the threshold
    # changes which runs collapse, so this test can tell the two values apart.
    shares = [t["majority_prediction_share"] for t in summary["trainings"]]
    assert any(0.5 <= share < 0.9 for share in shares), shares

    # Every chapter quotes the new threshold, none the default.
    document = (root / "report" / "informe.qmd").read_text(encoding="utf-8")
    quoted = re.findall(r"al menos el (\d+) %", document)
    assert quoted and set(quoted) == {"50"}, quoted
    assert summary["fair_comparison"]["collapse_share"] == 0.5
    assert summary["invitation"]["settings"]["collapse_share"] == 0.5

    # The same main training is collapsed or not in every chapter that reads it.
    collapsed = {
        (t["optimizer"], t["variant"], t["seed"]): t["majority_prediction_share"] >= 0.5
        and not t["diverged"]
        for t in summary["trainings"]
    }
    groups = {(g["optimizer"], g["variant"]): g for g in summary["training_groups"]}
    for (optimizer, variant), group in groups.items():
        runs = [v for (o, w, _), v in collapsed.items() if (o, w) == (optimizer, variant)]
        assert group["collapsed_runs"] == sum(runs), (optimizer, variant)
    for row in summary["fair_comparison"]["rows"]:
        if row["default"]:
            expected = groups[(row["optimizer"], row["variant"])]["collapsed_runs"]
            assert row["default"]["collapsed_runs"] == expected, row["optimizer"]
    for group in summary["invitation"]["early_stopping"]["groups"]:
        for seed in group["seeds"]:
            key = (group["optimizer"], group["variant"], seed["seed"])
            assert seed["collapsed"] == collapsed[key], key
    # And the threshold changed the verdicts: more runs collapse at 0.5 than at 0.9.
    count = sum(g["collapsed_runs"] for g in summary["training_groups"])
    assert count > sum(g["collapsed_runs"] for g in before["training_groups"])
