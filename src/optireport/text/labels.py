"""The report's vocabulary: how it names input variants, 1-D methods and their settings.

One home for every display name, read by the document and by the figures that show them.
Figures get the names they show through their rule's params, so editing one here redraws
exactly the figures, and the document, that show it. Colours are figure style, not
vocabulary: they live in ``optireport.figures.style``.
"""

# One name per input variant, everywhere in the report (tables, text and figure legends); what
# each means (pixels from 0 to 255, or divided by 255) is said once, where MNIST is introduced.
VARIANT_NAMES = {"raw": "entrada sin escalar", "scaled": "entrada escalada"}
# The same names for table cells under an «Entrada» column, and for short legends.
VARIANT_CELLS = {"raw": "sin escalar", "scaled": "escalada"}

# How the report names each method of the gradient-descent comparison (plain "gd" included).
METHOD_NAMES = {
    "gd": "Descenso por gradiente",
    "momentum": "Momento",
    "nesterov": "Nesterov",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adadelta": "Adadelta",
    "adam": "Adam",
}
# Methods named by a common noun read differently inside a sentence.
METHOD_PHRASES = {"gd": "el descenso por gradiente simple", "momentum": "el método del momento"}

# Symbols of the methods' and optimizers' settings, in tables.
SETTING_SYMBOLS = {
    "learning_rate": "$\\eta$",
    "momentum": "momento",
    "rho": "$\\rho$",
    "beta_1": "$\\beta_1$",
    "beta_2": "$\\beta_2$",
    "epsilon": "$\\varepsilon$",
    "initial_accumulator_value": "acumulador inicial",
}


def method_name(method: str) -> str:
    """A method's display name: «Momento»; an unknown key stands for itself."""
    return METHOD_NAMES.get(method, method)


def method_phrase(method: str) -> str:
    """A method's name inside a sentence: «el método del momento», «Adam»."""
    return METHOD_PHRASES.get(method, method_name(method))


def settings(values: dict) -> str:
    """Settings for a table cell: «$\\eta$ = 0.06, momento = 0.99»."""
    return ", ".join(f"{SETTING_SYMBOLS.get(k, k)} = {v}" for k, v in values.items())
