"""Time one render of the built report with each renderer (Pandoc + Typst, and Quarto).

Renders ``report/informe.qmd`` (build the report first) into a temporary folder, so the
report's own outputs are left alone, and prints wall-clock and CPU seconds (this process and
its children: Pandoc, Typst, Quarto) for each renderer asked for.

Usage: python bench/render_time.py [pandoc] [quarto]
"""

import resource
import sys
import tempfile
import time
from pathlib import Path

from optireport.report import render


def cpu_seconds() -> float:
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def main() -> None:
    qmd = Path("report/informe.qmd")
    if not qmd.is_file():
        sys.exit(f"No existe {qmd}: genere antes el informe con «make report».")
    for engine in sys.argv[1:] or ["pandoc", "quarto"]:
        with tempfile.TemporaryDirectory() as out:
            wall, cpu = time.perf_counter(), cpu_seconds()
            render.render_report(qmd, Path(out), renderer=engine)
            wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        print(f"{engine}: {wall:.1f} s wall, {cpu:.1f} s CPU", file=sys.__stdout__, flush=True)


if __name__ == "__main__":
    main()
