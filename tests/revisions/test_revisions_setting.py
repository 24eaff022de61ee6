"""REVISIONS_KEPT: how many earlier versions each post keeps, checked when the app starts."""

import pytest

from blog.config import setting_problem


@pytest.mark.parametrize("kept", [-1, 1001, "25"])
def test_a_count_out_of_range_stops_the_app_with_one_line(kept):
    assert setting_problem({"REVISIONS_KEPT": kept, "LOG_LEVEL": "INFO"}) == (
        "REVISIONS_KEPT must be between 0 and 1000"
    )


@pytest.mark.parametrize("kept", [0, 25, 1000])
def test_a_count_in_range_is_accepted(kept):
    assert setting_problem({"REVISIONS_KEPT": kept, "LOG_LEVEL": "INFO"}) is None
