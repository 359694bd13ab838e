"""Rule rulegraph_figure: ask Snakemake for the rule graph and draw it without Graphviz."""

import re
import subprocess
import sys

from optireport.figures import plots
from optireport.figures.style import layouts
from optireport.store import atomic
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

# The rules and their links are the same for every configuration, so the default one serves.
command = [sys.executable, "-m", "snakemake", "--rulegraph", "--nolock", "--quiet", "all"]
dot = subprocess.run(command, check=True, capture_output=True, text=True).stdout
atomic.write_text(snakemake.output.dot, dot)

labels = dict(re.findall(r'^\s*(\d+)\[label = "([^"]+)"', dot, flags=re.M))
edges = [(labels[a], labels[b]) for a, b in re.findall(r"^\s*(\d+) -> (\d+)", dot, flags=re.M)]
for layout, path in layouts(snakemake.output, "svg"):
    plots.plot_rule_graph(edges, list(labels.values()), path, layout)
