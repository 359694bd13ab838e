"""A training's ``history.csv``: one row per epoch. Written by ``optireport.training.trainer``, read
by the summary, the tuning, the invitation and the figures; this module is its only reader
and writer."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from optireport.store import atomic

# test_loss/test_accuracy are filled only at epochs that set a new minimum validation loss (NaN
# elsewhere): the weights early stopping with restore of the best weights can hand back. They
# are recorded for the report, never used to choose anything; "seconds" excludes them.
COLUMNS = (
    "epoch",
    "loss",
    "accuracy",
    "val_loss",
    "val_accuracy",
    "seconds",
    "test_loss",
    "test_accuracy",
)
FILENAME = "history.csv"


class ResultError(ValueError):
    """A rule output cannot be read; the Spanish message names the file and the fix."""


def rerun_target(path: Path) -> str:
    """The rule output to force again to rebuild ``path``, a file inside a training's folder."""
    parts = path.parts
    if "lr_grid" in parts and parts.index("lr_grid") + 3 < len(parts):
        # results/lr_grid/<variant>/<optimizer>: one job trains the whole grid.
        return Path(*parts[: parts.index("lr_grid") + 3]).as_posix()
    return (path.parent / "metrics.json").as_posix()


def text(rows: Iterable[Mapping]) -> str:
    """The CSV text of ``rows`` (``repr`` keeps every float exact; NaN stays ``nan``)."""
    lines = [",".join(COLUMNS)]
    lines += [",".join(repr(row[key]) for key in COLUMNS) for row in rows]
    return "\n".join(lines) + "\n"


def write(path, rows: Iterable[Mapping]) -> None:
    atomic.write_text(Path(path), text(rows))


def read(path) -> list[dict[str, float]]:
    """The rows of a ``history.csv``: ``epoch`` an int, every other column a float (an empty
    cell is NaN).

    Raises ResultError naming the file, the bad line and the command that rebuilds it.
    """
    path = Path(path)

    def damaged(line: int, problem: str) -> ResultError:
        return ResultError(
            f"{path} está dañado (línea {line}: {problem}). Es un resultado calculado por el "
            "flujo: para volver a generarlo, ejecute "
            f"«snakemake --cores 4 --forcerun {rerun_target(path)}»."
        )

    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise damaged(1, f"se esperaban las columnas {', '.join(COLUMNS)}")
        rows = []
        for line, row in enumerate(reader, start=2):
            try:
                if None in row or None in row.values():
                    raise ValueError("número de valores distinto del de columnas")
                values = {key: float(value) if value else math.nan for key, value in row.items()}
                rows.append({**values, "epoch": int(values["epoch"])})
            except ValueError as error:
                raise damaged(line, str(error)) from None
    return rows


def columns(path) -> dict[str, np.ndarray]:
    """A ``history.csv`` as one array per column, for the figures."""
    rows = read(path)
    return {c: np.array([r[c] for r in rows]) for c in (COLUMNS if rows else ())}
