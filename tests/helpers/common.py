"""Plain helpers every kind of test shares: the repository, its YAML files, the thresholds."""

from pathlib import Path

import yaml

from optireport.store.paths import ROOT

SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# The comparison thresholds as the schema defines them: their one source.
FINDINGS = {
    key: spec["default"]
    for key, spec in load_yaml(SCHEMA)["properties"]["findings"]["properties"].items()
}
