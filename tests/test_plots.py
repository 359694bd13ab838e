"""Tests for optireport.plots helpers that do not need training results."""

from optireport import plots


def test_long_rule_names_split_at_the_middle_underscore():
    assert plots.wrap_rule_name("gd_variants_animation") == "gd_variants_\nanimation"
    assert plots.wrap_rule_name("rulegraph_figure") == "rulegraph_\nfigure"
    assert plots.wrap_rule_name("summary") == "summary"
    assert plots.wrap_rule_name("lr_probe") == "lr_probe"  # short enough
    assert plots.wrap_rule_name("averyveryverylongname") == "averyveryverylongname"


def test_rule_graph_draws_every_rule(tmp_path):
    edges = [("mnist", "train"), ("train", "summary"), ("gd_variants_animation", "summary")]
    nodes = ["mnist", "train", "summary", "gd_variants_animation"]
    path = tmp_path / "graph.svg"
    plots.plot_rule_graph(edges, nodes, path)
    svg = path.read_text(encoding="utf-8")
    for text in ("mnist", "train", "summary", "gd_variants_", "animation"):
        assert text in svg
