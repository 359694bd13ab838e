"""Logic of the Spanish optimizer report: data, gradient descent, training, figures, output."""
