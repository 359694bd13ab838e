"""The workflow's layout as the tests read it: rules, their scripts, the modules those run."""

from __future__ import annotations

import modulefinder
import re
from pathlib import Path

from helpers.common import ROOT

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
    them (an implementation independent of ``optireport.devtools.imports``)."""
    finder = modulefinder.ModuleFinder(path=[str(SRC)])
    finder.run_script(str(script))
    return {
        name
        for name, module in finder.modules.items()
        if name.startswith("optireport.") and not module.__path__
    }
