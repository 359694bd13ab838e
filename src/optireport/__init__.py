"""Logic behind the Spanish optimizer report: data, gradient descent, training, figures, rendering."""
