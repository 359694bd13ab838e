"""store.atomic.without_non_finite: the one check that keeps NaN and infinities out of JSON."""

import json
import math

from optireport.store import atomic


def test_every_non_finite_number_becomes_null_and_is_named():
    data = {
        "gd_runs": [{"final_x": math.nan, "start": 1.5}, {"final_x": -math.inf}],
        "nested": {"deep": [1, (2.0, math.inf)]},
        "text": "nan",
        "missing": None,
        "flag": True,
    }
    cleaned, replaced = atomic.without_non_finite(data)
    assert replaced == ["gd_runs[0].final_x", "gd_runs[1].final_x", "nested.deep[1][1]"]
    assert cleaned == {
        "gd_runs": [{"final_x": None, "start": 1.5}, {"final_x": None}],
        "nested": {"deep": [1, [2.0, None]]},
        "text": "nan",
        "missing": None,
        "flag": True,
    }
    assert data["gd_runs"][0]["final_x"] is math.nan  # the input is left as it was
    json.dumps(cleaned, allow_nan=False)


def test_finite_data_is_unchanged():
    data = {"a": [1, 2.5, {"b": -0.0}], "c": "x"}
    assert atomic.without_non_finite(data) == (data, [])
