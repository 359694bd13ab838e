"""Rule digits_figure: one sample image per digit class."""

import numpy as np

from optireport.figures import plots
from optireport.figures.style import layouts
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

with np.load(snakemake.input.mnist) as mnist:
    for layout, path in layouts(snakemake.output, "digits"):
        plots.plot_digits(mnist["x_train"], mnist["y_train"], path, layout)
