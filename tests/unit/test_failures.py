"""devtools.failures: what a build that stops says, in Spanish, from Snakemake's own log."""

from pathlib import Path

from optireport.devtools import failures

# The shape of Snakemake 9's log of a failed job (two jobs, one of them reported twice).
SNAKEMAKE_LOG = """\
[Mon Dec  7 23:07:46 2026]
Error in rule train:
    message: None
    jobid: 9
    input: results/data/mnist.npz
    output: results/train/Adam/raw/seed1/metrics.json
    log: logs/train/Adam/raw/seed1.log (check log file(s) for error details)
    wildcards: optimizer=Adam, variant=raw, seed=1
Logfile logs/train/Adam/raw/seed1.log:
Traceback (most recent call last):
Error in rule summary:
    jobid: 3
    output: results/summary.json
    log: logs/summary.log (check log file(s) for error details)
Error in rule summary:
    jobid: 3
    output: results/summary.json
    log: logs/summary.log (check log file(s) for error details)
Error in rule rulegraph_figure:
    jobid: 5
    output: results/rulegraph.dot
Shutting down, this might take some time.
"""


def test_failed_jobs_name_the_stage_and_its_log():
    jobs = failures.failed_jobs(SNAKEMAKE_LOG)
    assert [(j.stage, j.logs) for j in jobs] == [
        ("«train» (optimizer=Adam, variant=raw, seed=1)", ("logs/train/Adam/raw/seed1.log",)),
        ("«summary»", ("logs/summary.log",)),
        ("«rulegraph_figure»", ()),
    ]


def test_explanation_says_what_failed_and_that_the_previous_report_is_kept(tmp_path: Path):
    log = tmp_path / "run.snakemake.log"
    log.write_text(SNAKEMAKE_LOG, encoding="utf-8")
    without = failures.explanation(log, root=tmp_path)
    assert "Falló la etapa «summary»: su registro está en logs/summary.log." in without
    assert f"«rulegraph_figure»: no tiene registro propio; véase {log}" in without
    assert "No queda un informe completo anterior" in without
    site = tmp_path / "report" / "_site"
    site.mkdir(parents=True)
    for name in ("informe.html", "informe.pdf", "anexo.html", "anexo.pdf"):
        (site / name).write_text("x", encoding="utf-8")
    kept = failures.explanation(log, root=tmp_path)
    assert (
        "El informe anterior (report/_site/informe.html, report/_site/informe.pdf, "
        "report/_site/anexo.html, report/_site/anexo.pdf) sigue"
    ) in kept


def test_a_stop_outside_any_job_points_to_snakemake_s_log(tmp_path: Path):
    log = tmp_path / "run.snakemake.log"
    log.write_text("MissingInputException in rule x\n", encoding="utf-8")
    assert f"Snakemake se detuvo antes de terminar; véase {log}." in failures.explanation(
        log, root=tmp_path
    )
