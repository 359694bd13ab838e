"""Rule mnist: write verified MNIST arrays and a JSON description of them."""

from pathlib import Path

import numpy as np

from optireport.store import atomic
from optireport.store.joblog import redirect_to_log
from optireport.training import data

redirect_to_log(snakemake.log[0])

params = snakemake.params
mnist_file = Path(params.mnist_file) if params.mnist_file else None
arrays, source = data.load_mnist(mnist_file, Path(params.resources))
data.save_npz(arrays, Path(snakemake.output.npz))

npz_record = data.file_record(Path(snakemake.output.npz))
test_counts = np.bincount(arrays["y_test"], minlength=10)
info = {
    "source": source,
    "shapes": {name: list(arrays[name].shape) for name in data.ARRAY_NAMES},
    "flat_shapes": {
        name: [arrays[name].shape[0], int(np.prod(arrays[name].shape[1:]))]
        for name in ("x_train", "x_test")
    },
    "sha256": {name: data.array_digest(arrays[name]) for name in data.ARRAY_NAMES},
    "train_label_counts": np.bincount(arrays["y_train"], minlength=10).tolist(),
    "test_label_counts": test_counts.tolist(),
    # A classifier that always answers the most frequent test digit scores this share.
    "test_majority": {
        "digit": int(test_counts.argmax()),
        "count": int(test_counts.max()),
        "share": float(test_counts.max() / test_counts.sum()),
    },
    "test_minority": {"digit": int(test_counts.argmin()), "count": int(test_counts.min())},
    "pixel_range": [int(arrays["x_train"].min()), int(arrays["x_train"].max())],
    # The file itself, so that a damaged copy is recognised before any job uses it.
    "npz": npz_record,
}
atomic.write_json(snakemake.output.info, info, indent=2)
