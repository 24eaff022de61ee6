"""The benchmark harness's own logic (``bench/``): what it reads from wrk, when it builds a
dataset again, which pages it asks for, and how it judges the issue's targets. Nothing here is
timed: the benchmark itself is ``make bench``, never part of the tests."""

from __future__ import annotations

import http.server
import os
import shutil
import threading
from dataclasses import asdict

import pytest

from bench import datasets, endpoints, report, run, wrk
from bench.datasets import Recipe, State, decide

WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:8000/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.10ms    1.20ms  21.00ms   90.00%
  3900 requests in 1.00s, 1.2MB read
  Non-2xx or 3xx responses: 12
Requests/sec:   3900.00
Transfer/sec:      1.20MB
BENCH_JSON {"requests":3900,"duration_us":1000000,"bytes":1258291,"non_2xx":15,\
"statuses":{"404":12,"302":3},"errors":{"connect":0,"read":1,"write":0,"status":12,"timeout":2},\
"latency_us":{"mean":4100.5,"max":21000,"p50":3900,"p90":5200,"p99":12345}}
"""


def test_wrk_result_is_read_from_the_script_s_line():
    result = wrk.parse(WRK_OUTPUT)
    assert result.requests == 3900
    assert result.rate == 3900
    assert (result.p50_ms, result.p90_ms, result.p99_ms) == (3.9, 5.2, 12.35)
    assert result.statuses == {404: 12, 302: 3}
    # every answer that isn't 2xx (wrk counts only 4xx and 5xx) and broken connections are
    # errors; timeouts are a slow endpoint's result, counted apart
    assert result.errors == 16
    assert result.timeouts == 2


def test_wrk_without_the_result_line_is_an_error_not_zero_figures():
    with pytest.raises(RuntimeError, match="no result line"):
        wrk.parse("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_no_answer_in_the_run_has_no_latency():
    line = WRK_OUTPUT.splitlines()[-1].replace('"requests":3900', '"requests":0')
    result = wrk.parse(line)
    assert result.p50_ms is None and result.rate == 0


RECIPE = Recipe(users=100, posts=1000)
MANIFEST = {"recipe": asdict(RECIPE), "counts": {"posts": 1000}}
KNOWN = {"0010", "0011", "0012"}


@pytest.mark.parametrize(
    ("manifest", "state", "expected"),
    [
        (MANIFEST, State("0012", 1000), "reuse"),
        (MANIFEST, State("0011", 1000), "upgrade"),  # only the schema is behind
        (None, State("0012", 1000), "build"),  # no manifest: who knows what built it
        (MANIFEST, None, "build"),  # no database
        (
            {**MANIFEST, "recipe": asdict(Recipe(users=100, posts=2000))},
            State("0012", 1000),
            "build",
        ),
        (MANIFEST, State("0012", 999), "build"),  # a build stopped halfway, or someone wrote
        (MANIFEST, State("0099", 1000), "build"),  # a revision these migrations don't know
    ],
)
def test_a_dataset_is_reused_migrated_or_built_again(manifest, state, expected):
    assert decide(manifest, RECIPE, state, "0012", KNOWN) == expected


def test_the_manifest_s_recipe_is_what_it_is_compared_with():
    """Another seed or another recipe version builds again: equal recipes build equal data."""
    assert (
        decide(MANIFEST, Recipe(100, 1000, seed=7), State("0012", 1000), "0012", KNOWN) == "build"
    )
    newer = Recipe(100, 1000, version=datasets.RECIPE_VERSION + 1)
    assert decide(MANIFEST, newer, State("0012", 1000), "0012", KNOWN) == "build"


SMALL = {
    "published": 927,
    "tag_posts": 316,
    "tag": "open source",
    "author": "demo1",
    "discussed_slug": "a-b-2",
    "search": "water",
    "reader": "demo61",
}
LARGE = {**SMALL, "published": 920_000, "tag_posts": 300_000}


def test_a_small_dataset_asks_for_its_deepest_pages_and_says_so():
    assert endpoints.deep_pages(SMALL) == {"home_page": 93, "tag_page": 32, "api_offset": 907}
    assert len(endpoints.notes(SMALL)) == 3
    assert endpoints.deep_pages(LARGE) == {
        "home_page": 5000,
        "tag_page": 500,
        "api_offset": 100_000,
    }
    assert endpoints.notes(LARGE) == []


def test_paths_quote_what_they_carry():
    tag_page = endpoints.path_of(endpoints.BY_NAME["tag_deep"], SMALL)
    assert tag_page == "/tags/open%20source?page=32"


def test_chosen_endpoints_keep_the_catalogue_s_order_with_the_post_last():
    chosen = endpoints.select(["api_create", "home"])
    assert [e.name for e in chosen] == ["home", "api_create"]
    with pytest.raises(SystemExit):
        endpoints.select(["nope"])


def _round(name, rows, cached=(), memory=None):
    return {"dataset": name, "endpoints": rows, "cached": list(cached), "memory": memory}


def _row(name, ratio, p50, method="GET"):
    return {"name": name, "ratio": ratio, "p50_ms": p50, "method": method}


def test_scale_ratio_and_targets():
    rounds = [
        _round(
            "sqlite-small",
            [_row("home", 0.30, 10), _row("tag", 0.20, 20), _row("api_create", 0.10, 5, "POST")],
        ),
        _round(
            "sqlite-large",
            [_row("home", 0.26, 14), _row("tag", 0.10, 60), _row("api_create", 0.08, 6, "POST")],
            cached=[_row("home", 0.75, 1)],
            memory={"rss_at_20k_mb": 70, "growth_after_20k_mb": 9},
        ),
    ]
    scale = report.scale_ratios(rounds)
    assert scale == {"sqlite": {"home": 1.4, "tag": 3.0, "api_create": 1.2}}
    found = {t["target"].split(",")[0]: t for t in report.targets(rounds, scale)}
    assert found["Anonymous home page >= 25% of the limit"]["met"] is True
    assert found["Anonymous home page >= 70% of the limit"]["met"] is True
    assert found["Every other GET >= 15% of the limit"]["met"] is False
    assert found["Every other GET >= 15% of the limit"]["failing"] == ["sqlite-large tag 10.0%"]
    assert found["p50 at 1M posts within 1.5x of p50 at 1k"]["failing"] == ["sqlite tag 3.0x"]
    assert found["POST /api/articles at 1M within 1.5x of the 1k figure"]["met"] is True
    assert found["POST /api/articles >= 5% of the limit on PostgreSQL at 1M"]["met"] is None
    assert found["Worker RSS <= 80 MB after 20k requests"]["met"] is False  # not flat: +9 MB


def test_memory_is_read_where_20k_requests_were_served():
    samples = [{"seconds": s, "rss_mb": [60 + s / 10, 61]} for s in range(0, 301, 10)]
    found = run.summarize_memory(samples, requests=60_000, seconds=300)
    assert found["rss_at_20k_mb"] == 70  # 200 req/s: 20k at 100 s
    assert found["rss_end_mb"] == 90
    assert found["growth_after_20k_mb"] == 20
    assert run.summarize_memory(samples, requests=10_000, seconds=300)["rss_at_20k_mb"] is None


class _Answers(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/" else 302 if self.path == "/moved" else 404)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.mark.skipif(not shutil.which("wrk") and not os.environ.get("CI"), reason="needs wrk")
def test_the_lua_script_counts_every_answer_that_is_not_2xx():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        good = wrk.run(port, "/", seconds=1, connections=2)
        moved = wrk.run(port, "/moved", seconds=1, connections=2)
        mixed = wrk.run(port, "/", seconds=1, connections=2, paths=["/", "/missing"])
    finally:
        server.shutdown()
    assert good.requests > 0 and good.errors == 0
    assert moved.non_2xx == moved.requests > 0  # wrk itself would count no error here
    assert mixed.statuses.get(404, 0) > 0 and mixed.statuses.get(404) < mixed.requests
