"""Config validation: every kind of bad input is refused with a Spanish message naming the key."""

import os
import subprocess
import sys

import pytest
from helpers.common import ROOT, load_yaml

from optireport.config.check import ConfigError, check_config
from optireport.config.jobs import format_number, gd_run_name, grid_point_name, lr_grid
from optireport.training import optimizers


def problems(config, schema) -> str:
    with pytest.raises(ConfigError) as caught:
        check_config(config, schema)
    return str(caught.value)


def test_default_and_quick_configs_are_valid(config, schema):
    check_config(config, schema)
    quick = load_yaml(ROOT / "config" / "quick.yaml")
    check_config({**config, **quick}, schema)


def test_unknown_optimizer_lists_the_valid_ones(config, schema):
    config["optimizers"]["Adam"]["class"] = "Adamm"
    message = problems(config, schema)
    assert "«optimizers.Adam.class»" in message
    assert "«Adamm» desconocido" in message
    for valid in ("Adam", "SGD", "Adagrad", "RMSprop", "Adadelta", "Nadam"):
        assert valid in message


@pytest.mark.parametrize(
    ("section", "key", "value", "expected"),
    [
        ("training", "epochs", 0, "«training.epochs» debe ser mayor o igual que 1"),
        ("training", "epochs", -5, "«training.epochs» debe ser mayor o igual que 1"),
        ("training", "batch_size", 0, "«training.batch_size» debe ser mayor o igual que 1"),
        ("training", "validation_split", 0, "«training.validation_split» debe ser mayor que 0"),
        ("training", "validation_split", 1, "«training.validation_split» debe ser menor que 1"),
        ("training", "validation_split", 1.5, "«training.validation_split» debe ser menor que 1"),
        ("training", "epochs", "setenta", "«training.epochs» debe ser un número entero"),
    ],
)
def test_out_of_range_training_values(config, schema, section, key, value, expected):
    config[section][key] = value
    assert expected in problems(config, schema)


def test_non_positive_learning_rate_names_the_optimizer(config, schema):
    config["optimizers"]["SGD"]["args"]["learning_rate"] = 0
    assert "«optimizers.SGD.args.learning_rate» debe ser mayor que 0" in problems(config, schema)
    config["optimizers"]["SGD"]["args"]["learning_rate"] = 0.01
    config["gradient_descent"]["runs"][0]["learning_rate"] = -0.1
    message = problems(config, schema)
    assert "«gradient_descent.runs[0].learning_rate» debe ser mayor que 0" in message


def test_unknown_keys_are_named_with_the_allowed_ones(config, schema):
    config["training"]["epocas"] = 10
    config["extra"] = True
    message = problems(config, schema)
    assert "«training»: clave desconocida «epocas»" in message
    assert "claves permitidas: epochs, batch_size, validation_split" in message
    assert "clave desconocida «extra»" in message


def test_unknown_gd_method_and_variant(config, schema):
    config["gradient_descent"]["methods"]["settings"]["lbfgs"] = {"learning_rate": 0.1}
    config["training"]["variants"] = ["raw", "normalizada"]
    message = problems(config, schema)
    assert "nombre «lbfgs» desconocido" in message
    assert "«training.variants[1]»: el valor «normalizada» no está permitido" in message


def test_every_problem_is_reported_at_once(config, schema):
    config["training"]["epochs"] = 0
    config["training"]["batch_size"] = -1
    message = problems(config, schema)
    assert "training.epochs" in message and "training.batch_size" in message


def test_semantic_checks(config, schema, tmp_path):
    config["lr_grid"] = {"min": 0.1, "max": 0.001}
    config["training"]["variants"] = ["scaled"]
    config["data"]["mnist_file"] = str(tmp_path / "no-existe.npz")
    message = problems(config, schema)
    assert "«lr_grid»: «min» debe ser menor que «max»" in message
    assert "«data.mnist_file»: no existe el archivo" in message
    assert "«training.variants» debe incluir «raw»" in message


def test_an_optimizer_grid_is_checked_over_the_shared_grid(config, schema):
    """Its own keys override the shared ones: only the grid it will run is checked."""
    config["lr_grid"].update(min=1e-4, max=1.0)
    config["optimizers"]["Adam"]["lr_grid"] = {"min": 0.5}  # runs from 0.5 to 1.0
    check_config(config, schema)
    config["optimizers"]["Adam"]["lr_grid"] = {"min": 2.0}  # 2.0 > the shared max 1.0
    assert "«optimizers.Adam.lr_grid»: «min» debe ser menor que «max»" in problems(config, schema)


def test_names_and_grids_are_plain_and_stable(config):
    assert gd_run_name({"start": -2.0, "learning_rate": 0.01, "iterations": 1000}) == (
        "x-2_lr0.01_it1000"
    )
    assert format_number(1e-4) == "0.0001"
    assert grid_point_name(0.000562) == "lr0.000562" and grid_point_name(0.1) == "lr0.1"
    config["lr_grid"] = {"min": 1e-4, "max": 1e-1, "points": 5}
    grid = lr_grid(config, "Adam")
    assert grid == [0.0001, 0.000562, 0.00316, 0.0178, 0.1]
    assert all(type(value) is float for value in grid)


def test_snakemake_refuses_bad_config_before_any_job(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("training:\n  epochs: 0\noptimizers:\n  Foo:\n    class: Foo\n")
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--configfile", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "La configuración no es válida" in output
    assert "«training.epochs»" in output
    assert "«optimizers.Foo.class»: optimizador «Foo» desconocido" in output


def test_snakemake_refuses_quarto_renderer_without_quarto_before_any_job(tmp_path):
    python_only = tmp_path / "bin"
    python_only.mkdir()
    (python_only / "python").symlink_to(sys.executable)
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--config", "report={renderer: quarto}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": f"{python_only}{os.pathsep}/usr/bin{os.pathsep}/bin"},
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Se pidió el motor «quarto»" in output
    assert "quarto.org" in output and "conda-forge" in output
    assert "Building DAG" not in output


def test_learning_rate_is_required(config, schema):
    del config["optimizers"]["Adam"]["args"]["learning_rate"]
    message = problems(config, schema)
    assert "falta la clave obligatoria «learning_rate» en «optimizers.Adam.args»" in message


def test_misspelled_optimizer_argument_names_the_closest_one(config, schema):
    config["optimizers"]["SGD"]["args"]["momentun"] = 0.9
    message = problems(config, schema)
    assert "«optimizers.SGD.args.momentun»" in message
    assert "¿quería decir «momentum»?" in message


def test_optimizer_argument_types_follow_keras(config, schema):
    config["optimizers"]["SGD"]["args"]["nesterov"] = "sí"
    config["optimizers"]["SGD"]["args"]["momentum"] = True
    message = problems(config, schema)
    assert "«optimizers.SGD.args.nesterov» debe ser true o false" in message
    assert "«optimizers.SGD.args.momentum» debe ser un número" in message
    config["optimizers"]["SGD"]["args"].update(nesterov=True, momentum=0)
    check_config(config, schema)


def test_schema_classes_are_the_cached_signature_classes(schema):
    enum = schema["properties"]["optimizers"]["additionalProperties"]["properties"]["class"]
    assert enum["enum"] == list(optimizers.CLASSES) == list(optimizers.signatures())


def test_cached_signatures_match_the_installed_keras():
    # If this fails after a Keras upgrade: python -m optireport.training.optimizers
    assert optimizers.signatures() == optimizers.keras_signatures()


def test_config_checks_do_not_import_keras():
    # Snakemake imports these on every run, even a no-op one: Keras would add seconds.
    code = (
        "import sys; from optireport.config import check; "
        "from optireport.training import optimizers; optimizers.signatures(); "
        "print(sorted({'keras', 'tensorflow'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_old_key_name_is_refused_naming_the_new_one(config, schema):
    """A config written for an earlier version fails with the rename, not a silent default."""
    config["lr_sensitivity"] = config.pop("lr_grid")
    methods = config["gradient_descent"].pop("methods")
    config["gradient_descent"]["variants"] = {
        **{k: v for k, v in methods.items() if k != "settings"},
        "methods": methods["settings"],
    }
    message = problems(config, schema)
    assert "«lr_sensitivity» se llama ahora «lr_grid»" in message
    assert (
        "«gradient_descent.variants» se llama ahora «gradient_descent.methods»; dentro de ella, "
        "«methods» se llama ahora «settings»"
    ) in message
    # Only the renames are reported: the renamed values themselves are valid.
    assert message.count("\n  - ") == 2, message
    assert "clave desconocida" not in message


def test_the_invitation_tie_is_the_report_tie(config, schema):
    """One tie threshold for the whole report: the old invitation one is refused by name."""
    config["invitation"]["thresholds"] = {"accuracy": 0.01}
    message = problems(config, schema)
    assert "«invitation.thresholds» ya no existe" in message and "«findings.tie»" in message
    assert message.count("\n  - ") == 1, message


def test_an_old_key_beside_other_mistakes_reports_them_all(config, schema):
    config["lr_sensitivity"] = {"epochs": 0}
    del config["lr_grid"]
    message = problems(config, schema)
    assert "«lr_sensitivity» se llama ahora «lr_grid»" in message
    assert "«lr_grid.epochs» debe ser mayor o igual que 1" in message


def test_report_config_leaves_out_only_where_the_report_is_published(config):
    from optireport.config.jobs import report_config

    shown = report_config(config)
    assert "publish" not in shown["report"] and "publish" in config["report"]
    assert {k: v for k, v in shown.items() if k != "report"} == {
        k: v for k, v in config.items() if k != "report"
    }


def test_config_key_order_is_the_schemas_whatever_the_files_gave(config, schema):
    """Params compare by repr(): one key order for one configuration, whatever the overlays."""
    from optireport.config.check import in_schema_order

    def reversed_keys(value, named=False):
        if isinstance(value, dict):
            items = list(value.items())
            items = items if named else items[::-1]
            named_keys = ("optimizers", "settings", "reference_accuracy", "reference_loss")
            return {k: reversed_keys(v, k in named_keys) for k, v in items}
        return [reversed_keys(v) for v in value] if isinstance(value, list) else value

    shuffled = reversed_keys(config)
    assert list(shuffled) != list(config)
    ordered, again = in_schema_order(config, schema), in_schema_order(shuffled, schema)
    assert repr(ordered) == repr(again) and ordered == config
    assert list(ordered) == [key for key in schema["properties"] if key in config]
    # Named entries keep the order the user gave them (the report lists them so); their own
    # Keras arguments, unknown to the schema, come after the known keys, sorted.
    assert list(ordered["optimizers"]) == list(config["optimizers"])
    adagrad = in_schema_order(
        {**config, "optimizers": {"A": {"class": "Adagrad", "args": {"z": 1, "learning_rate": 1}}}},
        schema,
    )["optimizers"]["A"]
    assert list(adagrad) == ["class", "args"] and list(adagrad["args"]) == ["learning_rate", "z"]


@pytest.mark.parametrize(
    ("optimizer", "key", "value", "expected"),
    [
        (
            "Adam",
            "beta_1",
            1.5,
            "«optimizers.Adam.args.beta_1» debe ser menor que 1 (ahora vale 1.5)",
        ),
        ("Adam", "beta_2", 1, "«optimizers.Adam.args.beta_2» debe ser menor que 1"),
        ("Adam", "beta_1", -0.1, "«optimizers.Adam.args.beta_1» debe ser mayor o igual que 0"),
        ("SGD", "momentum", 1.0, "«optimizers.SGD.args.momentum» debe ser menor que 1"),
        ("RMSprop", "rho", 1.2, "«optimizers.RMSprop.args.rho» debe ser menor que 1"),
        ("Adam", "epsilon", 0, "«optimizers.Adam.args.epsilon» debe ser mayor que 0"),
        ("Adagrad", "epsilon", -1e-7, "«optimizers.Adagrad.args.epsilon» debe ser mayor que 0"),
    ],
)
def test_optimizer_arguments_outside_their_meaning_are_refused(
    config, schema, optimizer, key, value, expected
):
    config["optimizers"].setdefault(optimizer, {"class": optimizer, "args": {}})
    config["optimizers"][optimizer]["args"].update({"learning_rate": 0.01, key: value})
    assert expected in problems(config, schema)


def test_optimizer_arguments_at_their_bounds_are_accepted(config, schema):
    config["optimizers"]["Adam"]["args"].update(beta_1=0.0, beta_2=0.0, epsilon=1e-12)
    config["optimizers"]["SGD"]["args"].update(momentum=0.0)
    check_config(config, schema)


@pytest.mark.parametrize("key", ["rho", "momentum", "beta_1", "beta_2"])
def test_gd_method_forgetting_factors_are_in_zero_one(config, schema, key):
    method = {"rho": "rmsprop", "momentum": "momentum"}.get(key, "adam")
    settings = config["gradient_descent"]["methods"]["settings"]
    settings[method] = {"learning_rate": 0.01, key: 0.0}
    check_config(config, schema)
    settings[method][key] = 1.0
    where = f"«gradient_descent.methods.settings.{method}.{key}»"
    assert f"{where} debe ser menor que 1" in problems(config, schema)


def test_batch_size_larger_than_the_training_images_names_the_key_and_the_limit(config, schema):
    quick = {**config, **load_yaml(ROOT / "config" / "quick.yaml")}
    quick["training"] = {**quick["training"], "batch_size": 5000, "validation_split": 0.3}
    quick["optimizers"]["SGD"]["batch_size"] = 2101
    message = problems(quick, schema)
    # 3000 images of the quick subset, of which 30 % are held out for validation: 2100 left.
    assert "«training.batch_size» vale 5000, más que las 2100 imágenes de entrenamiento" in message
    assert "«data.train_subset»" in message and "debe ser como mucho 2100" in message
    assert "«optimizers.SGD.batch_size» vale 2101" in message
    quick["training"]["batch_size"] = 2100
    quick["optimizers"]["SGD"]["batch_size"] = 2100
    check_config(quick, schema)


def test_batch_sizes_of_the_invitation_are_checked_against_the_full_mnist(config, schema):
    config["data"] = {"train_subset": None}
    config["training"]["validation_split"] = 0.5
    config["invitation"] = {"batch_size": {"sizes": [10, 30001]}}
    message = problems(config, schema)
    assert "«invitation.batch_size.sizes[1]» vale 30001, más que las 30000 imágenes" in message
    assert "las 60000 de MNIST" in message
    assert "sizes[0]" not in message


def test_an_experiment_set_to_null_is_switched_off(config, schema):
    """null and a missing key mean the same: the experiment is off, and nothing is checked."""
    from optireport.config import check, experiments

    config["invitation"]["adadelta"] = None
    config["invitation"]["early_stopping"] = None
    del config["optimizers"]["Adadelta"]
    check.drop_switched_off(config)
    assert "adadelta" not in config["invitation"] and "early_stopping" not in config["invitation"]
    check.check_config(config, schema)  # no ConfigError: the switched-off experiment is not checked
    layout = experiments.experiments(config)
    assert layout["adadelta"] is None and layout["momentum"] is not None
    assert not any(name.startswith("Adadelta") for name in layout["configurations"])
    config["invitation"] = None
    check.drop_switched_off(config)
    assert "invitation" not in config
    assert experiments.experiments(config)["configurations"] == {}


def test_an_experiment_without_its_optimizer_says_both_ways_out(config, schema):
    """Only Adam and SGD: the Adadelta experiment names the fix that works (switch it off)."""
    config["optimizers"] = {k: v for k, v in config["optimizers"].items() if k in ("Adam", "SGD")}
    message = problems(config, schema)
    assert "«invitation.adadelta.optimizer»" in message
    assert "«invitation.adadelta: null»" in message
    assert "«Adam» o «SGD»" not in message
