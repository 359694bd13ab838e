"""What a build that cannot finish tells the user, in Spanish (the Snakefile's onerror handler).

Snakemake reports a failed job in English, among its other output. This reads Snakemake's own
log of the run and says which stage failed, where that stage's log is, and whether the
previous complete report is still in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from optireport.report.publish import FILES, REPORT_DIR

_FAILED_RULE = re.compile(r"^Error in rule (\S+):$")
_FIELD = re.compile(r"^\s+(\w+): (.*)$")
_LOG_HINT = " (check log file(s) for error details)"


@dataclass(frozen=True)
class FailedJob:
    rule: str
    wildcards: str
    logs: tuple[str, ...]

    @property
    def stage(self) -> str:
        return f"«{self.rule}» ({self.wildcards})" if self.wildcards else f"«{self.rule}»"


def failed_jobs(text: str) -> list[FailedJob]:
    """The failed jobs a Snakemake log reports (each once, in order)."""
    jobs: list[FailedJob] = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        header = _FAILED_RULE.match(line.strip())
        if header is None:
            continue
        fields = {}
        for following in lines[index + 1 :]:
            field = _FIELD.match(following)
            if field is None:
                break
            fields.setdefault(field.group(1), field.group(2))
        logs = fields.get("log", "").removesuffix(_LOG_HINT)
        job = FailedJob(
            header.group(1),
            fields.get("wildcards", ""),
            tuple(name for name in logs.split(", ") if name),
        )
        if job not in jobs:
            jobs.append(job)
    return jobs


def explanation(snakemake_log: Path, root: Path = Path(".")) -> str:
    """The Spanish message for a build that stopped: what failed, its logs, the report's state."""
    text = snakemake_log.read_text(encoding="utf-8", errors="replace")
    lines = ["La generación del informe no ha terminado."]
    for job in failed_jobs(text):
        where = (
            f"su registro está en {', '.join(job.logs)}"
            if job.logs
            else f"no tiene registro propio; véase {snakemake_log}"
        )
        lines.append(f"  - Falló la etapa {job.stage}: {where}.")
    if len(lines) == 1:
        lines.append(f"  - Snakemake se detuvo antes de terminar; véase {snakemake_log}.")
    report = [REPORT_DIR / name for name in FILES]
    if all((root / path).is_file() for path in report):
        lines.append(
            f"El informe anterior ({', '.join(map(str, report))}) sigue en su sitio y no "
            "incluye los cambios de esta ejecución."
        )
    else:
        lines.append("No queda un informe completo anterior en report/_site/.")
    lines.append(
        "Corrija el error y vuelva a ejecutar la misma orden: se rehará lo que falló y lo que "
        "depende de ello."
    )
    return "\n".join(lines)
