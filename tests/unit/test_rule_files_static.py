"""The rule files only declare: read as Snakemake reads them, without running the workflow.

Each ``.smk`` file is translated to Python by Snakemake's own parser, then inspected with the
standard library (``symtable``, ``ast``):

- a rule file reads no global name that another rule file defines, except ``common.smk``: the
  include order in the Snakefile matters only for ``rules.<name>`` references;
- nothing that runs while Snakemake reads the workflow (top-level statements, rule decorators
  and the functions they call) writes a file: the damaged-MNIST repair runs in the Snakefile's
  ``onstart`` handler, after the DAG is built and never in a dry-run.
"""

from __future__ import annotations

import ast
import symtable
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers.common import ROOT
from snakemake import parser
from snakemake.sourcecache import LocalSourceFile

RULES = ROOT / "workflow" / "rules"
COMMON = "common.smk"

# Calls that write, move or delete files, or change their times.
WRITERS = {
    "repair_npz",
    "repair_if_damaged",
    "save_npz",
    "repair_damaged_mnist",
    "write_text",
    "write_bytes",
    "write_json",
    "replacing",
    "mkdir",
    "makedirs",
    "touch",
    "utime",
    "unlink",
    "remove",
    "rmtree",
    "rename",
    "copy",
    "copy2",
    "copyfile",
    "copytree",
    "dump",
}


def translate(path: Path) -> str:
    """The Python Snakemake runs for the Snakefile or rule file at ``path``."""

    def open_source(source: LocalSourceFile):
        return open(source.get_path_or_uri(secret_free=True), encoding="utf-8")

    workflow = SimpleNamespace(sourcecache=SimpleNamespace(open=open_source))
    code, _ = parser.parse(LocalSourceFile(str(path)), workflow, {})
    return code


def names(code: str, filename: str = "<smk>") -> tuple[set[str], set[str]]:
    """(global names the code binds at top level, global names it reads in any scope).

    Names Snakemake generates (``__rule_train``, ``__onstart``) are left out.
    """
    top = symtable.symtable(code, filename, "exec")
    defined = {
        symbol.get_name()
        for symbol in top.get_symbols()
        if symbol.is_assigned() or symbol.is_imported()
    }
    used: set[str] = set()

    def visit(table: symtable.SymbolTable) -> None:
        for symbol in table.get_symbols():
            if symbol.is_referenced() and (table is top or symbol.is_global()):
                used.add(symbol.get_name())
        for child in table.get_children():
            visit(child)

    visit(top)
    return {name for name in defined if not name.startswith("__")}, used


def borrowed_names(files: dict[str, str]) -> dict[str, set[str]]:
    """Per file, the names it reads that another file (not ``common.smk``) defines."""
    scanned = {name: names(code, name) for name, code in files.items()}
    found = {}
    for name, (own, used) in scanned.items():
        others = set().union(
            *(defined for other, (defined, _) in scanned.items() if other not in (name, COMMON))
        )
        if borrowed := (used - own) & others:
            found[name] = borrowed
    return found


def call_name(call: ast.Call) -> str | None:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return None


def parse_time_calls(modules: list[ast.Module]) -> set[str]:
    """Names of what runs while Snakemake reads ``modules``: calls in top-level statements
    and rule decorators, and, transitively, in the bodies of the functions those call
    (when one of ``modules`` defines them). Function bodies that only run later (rules,
    input functions, onstart) are not followed unless called at parse time."""
    functions: dict[str, ast.FunctionDef] = {
        node.name: node
        for module in modules
        for node in module.body
        if isinstance(node, ast.FunctionDef)
    }

    def calls_in(nodes: list[ast.AST], skip_bodies: bool) -> set[str]:
        found = set()
        pending = list(nodes)
        while pending:
            node = pending.pop()
            if skip_bodies and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                pending.extend(node.decorator_list)
                pending.extend(node.args.defaults)
                continue
            if isinstance(node, ast.Lambda):
                continue  # an input function or resource: called by Snakemake later
            if isinstance(node, ast.Call) and (name := call_name(node)):
                found.add(name)
            pending.extend(ast.iter_child_nodes(node))
        return found

    called = calls_in([node for module in modules for node in module.body], skip_bodies=True)
    followed: set[str] = set()
    while pending := (called & set(functions)) - followed:
        for name in pending:
            followed.add(name)
            called |= calls_in(functions[name].body, skip_bodies=False)
    return called


@pytest.fixture(scope="module")
def workflow_files() -> dict[str, str]:
    """The Snakefile and every rule file, as the Python Snakemake runs, by file name."""
    files = {"Snakefile": translate(ROOT / "Snakefile")}
    files |= {path.name: translate(path) for path in sorted(RULES.glob("*.smk"))}
    return files


def test_a_rule_file_uses_no_name_another_rule_file_defines(workflow_files) -> None:
    rule_files = {name: code for name, code in workflow_files.items() if name.endswith(".smk")}
    assert COMMON in rule_files and len(rule_files) > 2
    assert borrowed_names(rule_files) == {}


def test_names_shared_through_common_smk_are_allowed_and_others_are_found() -> None:
    """The check itself: the pattern this test forbids is found; common.smk's names are not."""
    files = {
        COMMON: "def code(script):\n    return []\n",
        "invitation.smk": "FIGURES = ['a.svg']\nx = code('a')\n",
        "report.smk": "y = FIGURES + code('b')\n",
    }
    assert borrowed_names(files) == {"report.smk": {"FIGURES"}}


def test_nothing_that_runs_while_reading_the_workflow_writes(workflow_files) -> None:
    modules = [ast.parse(code) for code in workflow_files.values()]
    called = parse_time_calls(modules)
    # Reading the workflow does run code: the config check and the job lists.
    assert {"check_config", "validate", "code"} <= called
    assert called & WRITERS == set()
    for module in modules:
        for node in ast.walk(module):
            if isinstance(node, ast.Call) and call_name(node) == "open":
                mode = node.args[1] if len(node.args) > 1 else None
                mode = next((k.value for k in node.keywords if k.arg == "mode"), mode)
                text = mode.value if isinstance(mode, ast.Constant) else "r"
                assert not set(text) & set("wax+"), ast.unparse(node)


def test_the_mnist_repair_runs_only_in_the_onstart_handler(workflow_files) -> None:
    callers = {
        (name, function.name)
        for name, code in workflow_files.items()
        for function in ast.walk(ast.parse(code))
        if isinstance(function, ast.FunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Call)
        and call_name(node) in ("repair_damaged_mnist", "repair_if_damaged", "repair_npz")
    }
    assert callers == {
        ("Snakefile", "__onstart"),
        (COMMON, "repair_damaged_mnist"),
    }
    called = parse_time_calls([ast.parse(code) for code in workflow_files.values()])
    assert not {"repair_damaged_mnist", "repair_if_damaged", "repair_npz", "npz_damage"} & called
