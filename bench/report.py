"""The run's results: the tables printed and written as Markdown, the JSON beside them, the
scale ratios and each of the issue's targets checked."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
GET_SHARE, HOME_SHARE, HOME_CACHED_SHARE, POST_SHARE = 0.15, 0.25, 0.70, 0.05
SCALE, RSS_MB, RSS_FLAT_MB = 1.5, 80, 5


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split(
        " ["
    )[0]
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "wrk": wrk_version.strip(),
        "load_average": os.getloadavg(),
    }


def _by(rounds: list[dict]) -> dict[str, dict]:
    return {r["dataset"]: r for r in rounds}


def scale_ratios(rounds: list[dict]) -> dict[str, dict[str, float | None]]:
    """p50 on the large set over p50 on the small one, per database and endpoint."""
    found: dict[str, dict] = {}
    by = _by(rounds)
    for database in ("sqlite", "postgresql"):
        small, large = by.get(f"{database}-small"), by.get(f"{database}-large")
        if not small or not large:
            continue
        small_p50 = {e["name"]: e["p50_ms"] for e in small["endpoints"]}
        found[database] = {
            e["name"]: (
                round(e["p50_ms"] / small_p50[e["name"]], 2)
                if e["p50_ms"] and small_p50.get(e["name"])
                else None
            )
            for e in large["endpoints"]
        }
    return found


def _target(name: str, checks: list[tuple[str, bool | None]]) -> dict:
    """Met when every check is; not measured when none could be."""
    measured = [(what, ok) for what, ok in checks if ok is not None]
    met = None if not measured else all(ok for _, ok in measured)
    failing = [what for what, ok in measured if not ok]
    return {"target": name, "met": met, "failing": failing, "checked": len(measured)}


def targets(rounds: list[dict], scale: dict) -> list[dict]:
    home, other_gets, home_cached, post_share, post_scale, memory = [], [], [], [], [], []
    for r in rounds:
        for e in r["endpoints"]:
            where = f"{r['dataset']} {e['name']} {_pct(e['ratio'])}"
            if e["name"] == "home":
                home.append((where, _at_least(e["ratio"], HOME_SHARE)))
            elif e["method"] == "GET":
                other_gets.append((where, _at_least(e["ratio"], GET_SHARE)))
            elif e["name"] == "api_create" and r["dataset"] == "postgresql-large":
                post_share.append((where, _at_least(e["ratio"], POST_SHARE)))
        for e in r.get("cached", []):
            if e["name"] == "home":
                home_cached.append(
                    (f"{r['dataset']} {_pct(e['ratio'])}", _at_least(e["ratio"], HOME_CACHED_SHARE))
                )
        m = r.get("memory")
        if m:
            level = m["rss_at_20k_mb"]
            ok = (
                None
                if level is None
                else level <= RSS_MB and m["growth_after_20k_mb"] <= RSS_FLAT_MB
            )
            memory.append(
                (f"{r['dataset']} {level} MB at 20k, +{m['growth_after_20k_mb']} MB after", ok)
            )
    scaled = []
    for database, ratios in scale.items():
        for name, ratio in ratios.items():
            if name == "api_create":
                post_scale.append(
                    (f"{database} {ratio}x", None if ratio is None else ratio <= SCALE)
                )
            else:
                scaled.append(
                    (f"{database} {name} {ratio}x", None if ratio is None else ratio <= SCALE)
                )
    return [
        _target("Anonymous home page >= 25% of the limit, page cache off", home),
        _target("Anonymous home page >= 70% of the limit, page cache on", home_cached),
        _target("Every other GET >= 15% of the limit, page cache off", other_gets),
        _target("p50 at 1M posts within 1.5x of p50 at 1k, every GET, both databases", scaled),
        _target("POST /api/articles at 1M within 1.5x of the 1k figure", post_scale),
        _target("POST /api/articles >= 5% of the limit on PostgreSQL at 1M", post_share),
        _target("Worker RSS <= 80 MB after 20k requests, flat over the run", memory),
        {
            "target": "A cached home page never stale after a publish or unpublish",
            "met": None,
            "failing": [],
            "checked": 0,
            "note": "proved by the tests, not measured here",
        },
    ]


def _at_least(ratio, share) -> bool | None:
    return None if ratio is None else ratio >= share


def _pct(ratio) -> str:
    return "-" if ratio is None else f"{ratio * 100:.1f}%"


def _ms(value) -> str:
    return "-" if value is None else (f"{value:.0f}" if value >= 100 else f"{value:.1f}")


def _n(value) -> str:
    return "-" if value is None else str(value)


def _table(header: list[str], rows: list[list]) -> list[str]:
    """A Markdown table, the first column left-aligned, the figures right-aligned."""
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _preamble(results: dict) -> str:
    m, o = results["machine"], results["options"]
    latency = (
        f"then one connection for {o['latency_seconds']} s (p50 and p99)"
        if o["latency_seconds"]
        else f"p50 and p99 under the {o['connections']} connections"
    )
    return (
        f"{m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; Python {m['python']}, {m['wrk']}. "
        f"Load average {m['load_average'][0]:.1f} at the start, "
        f"{results['load_average_end'][0]:.1f} at the end. gunicorn, 2 gevent workers, "
        f"production settings. Each endpoint: {o['connections']} connections for "
        f"{o['load_seconds']} s (req/s), {latency}. *of limit*: req/s over the hello world's in "
        f"the same round; *first*: the first request after the server started; *SQL*: "
        f"statements per request (in-process, warm).\n"
    )


def _dataset_line(r: dict) -> str:
    c, limit = r["manifest"]["counts"], r["limit"]
    return (
        f"{c['posts']:,} posts ({c['published']:,} published), {c['users']:,} users, "
        f"{c['comments']:,} comments, {c['favorites']:,} favorites, {c['follows']:,} follows. "
        f"Limit (hello world): {limit.get('rate', 0):,.0f} req/s, "
        f"p50 {_ms(limit.get('p50_ms'))} ms. Worker RSS {_mb(r['rss_before'])} MB before the "
        f"endpoints, {_mb(r['rss_after'])} MB after.\n"
    )


def _mb(values: list[float]) -> str:
    return " and ".join(f"{v:.0f}" for v in values) or "-"


def _round_lines(r: dict) -> list[str]:
    out = [f"## {r['dataset']}\n"]
    if r.get("manifest"):
        out.append(_dataset_line(r))
    out += [f"- {note}" for note in r.get("notes", [])] + ([""] if r.get("notes") else [])
    if r["endpoints"]:
        header = [
            "endpoint",
            "req/s",
            "of limit",
            "p50 ms",
            "p99 ms",
            "first ms",
            "SQL",
            "RSS MB",
            "errors",
        ]
        rows = [
            [
                e["label"],
                f"{e['rate']:,.1f}",
                _pct(e["ratio"]),
                _ms(e["p50_ms"]),
                _ms(e["p99_ms"]),
                _ms(e["first_ms"]),
                _n(e["statements"]),
                f"{max(e['rss_mb'], default=0):.0f}",
                _errors(e),
            ]
            for e in r["endpoints"]
        ]
        out += _table(header, rows)
    if r.get("cached"):
        out.append("Page cache on:\n")
        rows = [
            [
                e["label"],
                f"{e['rate']:,.1f}",
                _pct(e["ratio"]),
                _ms(e["p50_ms"]),
                _ms(e["p99_ms"]),
                _errors(e),
            ]
            for e in r["cached"]
        ]
        out += _table(["endpoint", "req/s", "of limit", "p50 ms", "p99 ms", "errors"], rows)
    if r.get("memory"):
        mem = r["memory"]
        out.append(
            f"Memory check: {mem['requests']:,} requests in {mem['seconds']:.0f} s over the "
            f"anonymous GETs; largest worker {_n(mem['rss_at_20k_mb'])} MB after 20k requests, "
            f"{_n(mem['rss_end_mb'])} MB at the end ({_n(mem['growth_after_20k_mb'])} MB "
            f"growth).\n"
        )
    out += [f"- **FAILED** {failure}" for failure in r.get("failures", [])]
    return [*out, ""] if r.get("failures") else out


def _scale_lines(results: dict) -> list[str]:
    by = _by(results["rounds"])
    header, columns = ["endpoint"], []
    for database in results["scale"]:
        header += [f"{database} 1k p50", "1M p50", "ratio"]
        small = {e["name"]: e for e in by[f"{database}-small"]["endpoints"]}
        large = {e["name"]: e for e in by[f"{database}-large"]["endpoints"]}
        columns.append((database, small, large))
    names = list(dict.fromkeys(n for d in results["scale"] for n in results["scale"][d]))
    rows = []
    for name in names:
        row = [name]
        for database, small, large in columns:
            ratio = results["scale"][database].get(name)
            row += [
                _ms(small.get(name, {}).get("p50_ms")),
                _ms(large.get(name, {}).get("p50_ms")),
                "-" if ratio is None else f"{ratio}x",
            ]
        rows.append(row)
    return ["## Scale: p50 at 1M posts over p50 at 1k (ms)\n", *_table(header, rows)]


def _target_line(t: dict) -> str:
    state = {True: "met", False: "NOT MET", None: "not measured"}[t["met"]]
    line = f"- {t['target']}: **{state}**"
    if t["failing"]:
        more = len(t["failing"]) - 8
        line += f" ({', '.join(t['failing'][:8])}{f', and {more} more' if more > 0 else ''})"
    return line + (f" ({t['note']})" if t.get("note") else "")


def tables(results: dict) -> str:
    """The Markdown of the run: one table per dataset, then the scale ratios and the targets."""
    out = [f"# Benchmark {results['run_id']}\n", _preamble(results)]
    for r in results["rounds"]:
        out += _round_lines(r)
    if results["scale"]:
        out += _scale_lines(results)
    out.append("## Targets\n")
    out += [_target_line(t) for t in results["targets"]]
    return "\n".join(out) + "\n"


def _errors(e: dict) -> str:
    """Wrong answers; then, apart, requests slower than wrk's timeout, and a run in which no
    request at all finished (wrk counts those still waiting at the end as nothing)."""
    text = str(e["errors"])
    if e["timeouts"]:
        text += f" ({e['timeouts']} timeouts)"
    if not e["requests"]:
        text += " (none answered in the run)"
    return text


def write(results: dict) -> tuple[Path, Path]:
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y-%m-%dT%H-%M-%S")
    json_path = RESULTS / f"{stamp}.json"
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    md_path = json_path.with_suffix(".md")
    md_path.write_text(tables(results))
    return json_path, md_path
