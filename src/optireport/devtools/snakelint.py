"""``snakemake --lint`` for ``make lint``: every lint fails it but the one this workflow answers.

Snakemake asks each rule for a conda environment or a container, so that its software is
documented and deployable. Here the software is documented by ``requirements.lock`` and every
rule runs in the one environment installed from it (``make``); no conda environment is declared,
because the conda route could not be verified (docs/instalacion.md). So that lint is expected,
once per rule, and is counted, not shown; any other lint is printed and fails the check.

Snakemake's command line prints text only (its ``--lint json`` is ignored), hence the API.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

# The lint every rule gets for having no conda environment or container (snakemake/linting).
NO_SOFTWARE_DEFINITION = "Specify a conda environment or container for each rule."


def lint_report(snakefile: Path) -> dict:
    """Snakemake's lint of ``snakefile`` as JSON: ``{"snakefiles": [...], "rules": [...]}``."""
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import OutputSettings, ResourceSettings

    printed = io.StringIO()
    with SnakemakeApi(OutputSettings()) as api:
        workflow = api.workflow(resource_settings=ResourceSettings(), snakefile=snakefile)
        with contextlib.redirect_stdout(printed):
            workflow.lint(json=True)
    return json.loads(printed.getvalue())


def split_lints(report: dict) -> tuple[list[str], list[str]]:
    """(rules with only the expected lint, one line per other lint)."""
    expected, other = [], []
    for group in report.get("snakefiles") or []:
        for lint in group["lints"]:
            other.append(f"{group['for']['snakefile']}: {lint['title']}")
    for group in report.get("rules") or []:
        rule = group["for"]
        titles = [lint["title"] for lint in group["lints"]]
        if NO_SOFTWARE_DEFINITION in titles:
            expected.append(rule["rule"])
        where = f"regla {rule['rule']} ({rule['snakefile']}:{rule.get('line')})"
        other += [f"{where}: {title}" for title in titles if title != NO_SOFTWARE_DEFINITION]
    return expected, other


def main(argv: list[str]) -> int:
    snakefile = Path(argv[0]) if argv else Path("Snakefile")
    expected, other = split_lints(lint_report(snakefile))
    rules = f"{len(expected)} regla" + ("" if len(expected) == 1 else "s")
    print(
        f"snakemake --lint: {rules} sin entorno conda ni contenedor, como se espera (todas "
        "usan el entorno instalado desde requirements.lock)."
    )
    if other:
        print(f"{len(other)} avisos que hay que corregir:", *other, sep="\n  ", file=sys.stderr)
        return 1
    print("Ningún otro aviso.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
