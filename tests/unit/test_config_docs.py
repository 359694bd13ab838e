"""config/README.md is generated from the schema's descriptions and documents every key in use."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator

import pytest
import yaml
from helpers.common import ROOT, SCHEMA, load_yaml

from optireport.devtools import config_docs

README = ROOT / "config" / "README.md"
CONFIGS = ["config.yaml", "quick.yaml", "extended.yaml"]


def documented_rows() -> dict[str, str]:
    """Each documented key of config/README.md and its «Valores admitidos» cell."""
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            rows[cells[0].strip("`")] = cells[3]
    return rows


def key_pattern(key: str) -> re.Pattern:
    """A documented key as a pattern: a placeholder (``<optimizador>``) matches any one name."""
    parts = re.split(r"(<[^>]+>)", key)
    return re.compile(
        "".join(r"[^.\[\]]+" if part.startswith("<") else re.escape(part) for part in parts)
    )


def config_keys(value: object, path: str = "") -> Iterator[str]:
    """Every key of a configuration as a dotted path; a list's items as ``runs[].start``."""
    if isinstance(value, dict):
        for key, child in value.items():
            child_path = f"{path}.{key}" if path else str(key)
            yield child_path
            yield from config_keys(child, child_path)
    elif isinstance(value, list):
        for item in value:
            yield from config_keys(item, f"{path}[]")


def test_committed_readme_is_what_the_schema_generates() -> None:
    expected = config_docs.render(load_yaml(SCHEMA))
    assert README.read_text(encoding="utf-8") == expected, (
        "config/README.md is out of date with workflow/schemas/config.schema.yaml: "
        "run `python -m optireport.devtools.config_docs`"
    )


@pytest.mark.parametrize("name", CONFIGS)
def test_every_key_of_the_configuration_is_documented(name: str) -> None:
    rows = documented_rows()
    patterns = {key: key_pattern(key) for key in rows}
    undocumented = []
    for path in config_keys(load_yaml(ROOT / "config" / name)):
        if any(pattern.fullmatch(path) for pattern in patterns.values()):
            continue
        # A key the schema leaves free (an optimizer's other Keras arguments) is covered by
        # its parent's row, which must say that it admits other keys.
        parent = path.rpartition(".")[0]
        covering = [key for key, pattern in patterns.items() if pattern.fullmatch(parent)]
        if not any("admite otras claves" in rows[key] for key in covering):
            undocumented.append(path)
    assert not undocumented, f"config/{name}: keys missing from config/README.md: {undocumented}"


def test_the_readme_has_one_section_per_top_level_key() -> None:
    text = README.read_text(encoding="utf-8")
    for key in load_yaml(SCHEMA)["properties"]:
        assert f"\n## `{key}`\n" in text


@pytest.mark.parametrize(
    ("where", "key"),
    [
        (["properties", "training", "properties", "epochs"], "training.epochs"),
        (["$defs", "lr_grid", "properties", "points"], "optimizers.<optimizador>.lr_grid.points"),
        (
            ["properties", "report", "properties", "reference_loss", "additionalProperties"],
            "report.reference_loss.<optimizador>",
        ),
        (
            [
                "properties",
                "gradient_descent",
                "properties",
                "runs",
                "items",
                "properties",
                "start",
            ],
            "gradient_descent.runs[].start",
        ),
    ],
)
def test_a_key_without_description_fails_naming_it(where: list[str], key: str) -> None:
    schema = copy.deepcopy(load_yaml(SCHEMA))
    node = schema
    for part in where:
        node = node[part]
    del node["description"]
    with pytest.raises(config_docs.SchemaDocError) as raised:
        config_docs.render(schema)
    message = str(raised.value)
    assert f"«{key}»" in message
    assert "description" in message
    assert "workflow/schemas/config.schema.yaml" in message
    # Only the key that lost its description is named.
    assert re.findall("«([^»]*)»", message) == ["description", key]


def test_main_writes_the_file_and_check_names_the_fix(tmp_path, monkeypatch, capsys) -> None:
    target = tmp_path / "README.md"
    monkeypatch.setattr(config_docs, "README_PATH", target)

    assert config_docs.main(["--check"]) == 1
    assert "python -m optireport.devtools.config_docs" in capsys.readouterr().err

    assert config_docs.main([]) == 0
    assert target.read_text(encoding="utf-8") == config_docs.render(load_yaml(SCHEMA))
    assert config_docs.main(["--check"]) == 0

    target.write_text(target.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    assert config_docs.main(["--check"]) == 1
    assert "Regenérelo con: python -m optireport.devtools.config_docs" in capsys.readouterr().err


def test_main_reports_a_missing_description(tmp_path, monkeypatch, capsys) -> None:
    schema = copy.deepcopy(load_yaml(SCHEMA))
    del schema["properties"]["lr_grid"]["properties"]["seed"]["description"]
    broken = tmp_path / "config.schema.yaml"
    broken.write_text(yaml.safe_dump(schema, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(config_docs, "SCHEMA_PATH", broken)
    monkeypatch.setattr(config_docs, "README_PATH", tmp_path / "README.md")
    assert config_docs.main([]) == 1
    assert "«lr_grid.seed»" in capsys.readouterr().err
    assert not (tmp_path / "README.md").exists()
