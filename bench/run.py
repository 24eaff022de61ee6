"""One run: for each dataset, the limit (hello world), the statements per request, then every
endpoint under gunicorn: checked, loaded with 16 connections, then one request at a time; the
anonymous pages again with the page cache on; and, in a full run, the memory check."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field

from bench import endpoints as catalog
from bench import wrk
from bench.client import Client
from bench.datasets import ROOT, Dataset, prepare
from bench.server import CACHE_SETTING, REDIS_DATABASES, app_environment, free_port, serve
from bench.statements import WRITER
from blog.seed import DEMO_DOMAIN

POST_BODY = "\\n\\n".join(
    [
        "A post the benchmark writes: a few paragraphs of Markdown, so that rendering it and "
        "indexing it for search cost what an ordinary post costs.",
        "## What it measures",
        "- the insert\\n- the tags\\n- the search index\\n- the content version",
        "Every request writes a new post with a title of its own; the next run deletes them "
        "first, so the dataset stays as it was built. " * 3,
    ]
)


@dataclass
class Options:
    databases: list[str]
    sizes: list[str]
    load_seconds: int = 10
    latency_seconds: int = 10  # 0: no one-connection pass (latency under load instead)
    connections: int = 16
    only: list[str] | None = None
    memory_seconds: int = 300  # 0: no memory check
    memory_only: bool = False  # the endpoints checked, not timed: the memory check alone
    cache_pass: bool = True
    rebuild: bool = False


@dataclass
class Round:
    dataset: str
    manifest: dict
    notes: list[str] = field(default_factory=list)
    limit: dict = field(default_factory=dict)
    statements: dict = field(default_factory=dict)
    rss_before: list[float] = field(default_factory=list)
    rss_after: list[float] = field(default_factory=list)
    endpoints: list[dict] = field(default_factory=list)
    cached: list[dict] = field(default_factory=list)
    memory: dict | None = None
    failures: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def page_cache_exists() -> bool:
    from blog.config import ENVIRONMENT_SETTINGS

    return CACHE_SETTING in ENVIRONMENT_SETTINGS


def measure(server, path: str, options: Options, **kwargs) -> dict:
    """Loaded with ``options.connections``, then one connection (the latency figures); each
    pass ends once the server has finished what wrk left running (``drain_s``), so the next
    starts on an idle server."""
    port = server.port
    loaded = wrk.run(port, path, options.load_seconds, options.connections, **kwargs)
    drained = server.wait_idle()
    figures = {
        "rate": round(loaded.rate, 1),
        "requests": loaded.requests,
        "errors": loaded.errors,
        "statuses": loaded.statuses,
        "timeouts": loaded.timeouts,
        "loaded_p50_ms": loaded.p50_ms,
        "loaded_p99_ms": loaded.p99_ms,
        "p50_ms": loaded.p50_ms,
        "p99_ms": loaded.p99_ms,
        "latency_from": f"{options.connections} connections",
        "drain_s": drained,
    }
    if options.latency_seconds:
        alone = wrk.run(port, path, options.latency_seconds, 1, timeout=30, **kwargs)
        server.wait_idle()
        figures.update(
            p50_ms=alone.p50_ms,
            p99_ms=alone.p99_ms,
            latency_requests=alone.requests,
            latency_from="1 connection",
        )
        figures["errors"] += alone.errors
        figures["timeouts"] += alone.timeouts
        for status, n in alone.statuses.items():
            figures["statuses"][status] = figures["statuses"].get(status, 0) + n
    return figures


def hello_limit(options: Options) -> dict:
    port = free_port()
    env = app_environment("", port, REDIS_DATABASES["hello"], page_cache=False)
    with serve("bench.hello:app", env, port, "hello") as server:
        answer = Client(port).request("GET", "/")
        if answer.status != 200:
            raise RuntimeError(f"the hello world answered {answer.status}")
        figures = measure(server, "/", options, headers=dict(BROWSER))
        figures["rss_mb"] = server.rss_mb()
    if figures["errors"]:
        raise RuntimeError(f"the hello world answered with errors: {figures}")
    return figures


def _statements(env: dict, requests: list[dict], reader: str) -> dict:
    job = json.dumps({"env": env, "requests": requests, "reader": reader})
    done = subprocess.run(
        [sys.executable, "-m", "bench.statements"],
        input=job,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"counting statements failed:\n{done.stderr.strip()[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _requests(chosen: list[catalog.Endpoint], fixtures: dict) -> list[dict]:
    return [
        {
            "name": e.name,
            "method": e.method,
            "path": catalog.path_of(e, fixtures),
            "auth": e.auth,
            "status": e.status,
            "body": POST_BODY.replace("\\n", "\n"),
        }
        for e in chosen
    ]


def _credentials(port: int, fixtures: dict) -> dict:
    """The reader's session cookie (signed in through the form) and API tokens."""
    reader = fixtures["reader"]
    browser = Client(port)
    browser.sign_in(reader)
    api = Client(port)
    return {
        "session": browser.cookie_header(),
        "reader": api.api_token(f"{reader}@{DEMO_DOMAIN}"),
        "writer": api.api_token(WRITER["email"], WRITER["password"]),
    }


BROWSER = {"Accept-Encoding": "gzip"}
"""Sent with every request, as every browser and most clients do: compressing is part of the
cost of an answer."""


def _headers(endpoint: catalog.Endpoint, credentials: dict | None = None) -> dict:
    if endpoint.auth == "session":
        return {**BROWSER, "Cookie": credentials["session"]}
    if endpoint.auth == "token":
        who = "writer" if endpoint.method == "POST" else "reader"
        return {**BROWSER, "Authorization": f"Token {credentials[who]}"}
    return dict(BROWSER)


def check(client: Client, endpoint: catalog.Endpoint, path: str, headers: dict) -> float:
    """One request, before timing: it must answer what it should, or the run fails loudly."""
    body = None
    if endpoint.method == "POST":
        body = {
            "article": {
                "title": f"Bench check {uuid.uuid4().hex}",
                "description": "d",
                "body": POST_BODY.replace("\\n", "\n"),
                "tagList": ["bench"],
            }
        }
    answer = client.request(endpoint.method, path, body=body, headers=headers)
    if answer.status != endpoint.status:
        raise RuntimeError(
            f"{endpoint.method} {path} answered {answer.status}, not {endpoint.status}: "
            f"{answer.body[:300]!r}"
        )
    return round(answer.seconds * 1000, 1)


def run_round(dataset: Dataset, options: Options, run_id: str) -> Round:
    manifest = prepare(dataset, rebuild=options.rebuild, log=log)
    fixtures = manifest["fixtures"]
    chosen = [e for e in catalog.select(options.only)]
    result = Round(dataset.name, manifest, notes=catalog.notes(fixtures))
    log(f"{dataset.name}: the limit (hello world)")
    result.limit = hello_limit(options)
    log(f"{dataset.name}: hello world {result.limit['rate']:.0f} req/s")
    port = free_port()
    env = app_environment(dataset.url, port, REDIS_DATABASES[dataset.name], page_cache=False)
    log(f"{dataset.name}: counting SQL statements per request")
    counted = _statements(env, _requests(chosen, fixtures), fixtures["reader"])
    result.statements = counted.get("statements", {})
    if counted["removed"]:  # the posts an earlier run's POSTs wrote: gone before this one
        log(f"{dataset.name}: removed {counted['removed']} posts an earlier run wrote")
    with serve("wsgi:app", env, port, dataset.name) as server:
        credentials = _credentials(port, fixtures)
        client = Client(port)
        checked = {}
        for endpoint in chosen:
            path = catalog.path_of(endpoint, fixtures)
            try:
                checked[endpoint.name] = check(
                    client, endpoint, path, _headers(endpoint, credentials)
                )
            except (RuntimeError, OSError) as error:
                result.failures.append(f"{dataset.name} {endpoint.name}: {error}")
                log(f"FAILED {dataset.name} {endpoint.name}: {error}")
        result.rss_before = server.rss_mb()
        log(f"{dataset.name}: {len(checked)} of {len(chosen)} endpoints answered right; timing")
        for endpoint in chosen:
            if endpoint.name not in checked or options.memory_only:
                continue
            path = catalog.path_of(endpoint, fixtures)
            figures = measure(
                server,
                path,
                options,
                headers=_headers(endpoint, credentials),
                post_body=POST_BODY if endpoint.method == "POST" else None,
                run_id=run_id,
            )
            figures.update(
                name=endpoint.name,
                label=endpoint.label,
                method=endpoint.method,
                path=path,
                first_ms=checked[endpoint.name],
                statements=result.statements.get(endpoint.name),
                rss_mb=server.rss_mb(),
                ratio=_ratio(figures["rate"], result.limit["rate"]),
            )
            result.endpoints.append(figures)
            log(_line(figures))
            if figures["errors"]:
                failed = f"{figures['errors']} errors {figures['statuses']}"
                result.failures.append(f"{dataset.name} {endpoint.name}: {failed}")
        result.rss_after = server.rss_mb()
        if options.memory_seconds and dataset.size == options.sizes[-1]:
            result.memory = memory_check(server, chosen, fixtures, options)
    if options.cache_pass and not options.memory_only:
        result.cached = cached_pass(dataset, chosen, fixtures, options, result.limit["rate"])
    return result


def _ratio(rate: float, limit: float) -> float | None:
    return round(rate / limit, 4) if limit else None


def _line(figures: dict) -> str:
    return (
        f"  {figures['name']:<14} {figures['rate']:>8.1f} req/s  p50 {figures['p50_ms']} ms  "
        f"p99 {figures['p99_ms']} ms  {figures['statements']} SQL  errors {figures['errors']}"
        f"  timeouts {figures['timeouts']}"
    )


def cached_pass(
    dataset: Dataset, chosen, fixtures: dict, options: Options, limit: float
) -> list[dict]:
    """The anonymous pages again, with the page cache on (when the app has one)."""
    pages = [e for e in chosen if e.anonymous_page]
    if not pages or not page_cache_exists():
        return []
    port = free_port()
    env = app_environment(dataset.url, port, REDIS_DATABASES[dataset.name], page_cache=True)
    found = []
    with serve("wsgi:app", env, port, f"{dataset.name}-cached") as server:
        client = Client(port)
        for endpoint in pages:
            path = catalog.path_of(endpoint, fixtures)
            first = check(client, endpoint, path, _headers(endpoint))
            figures = measure(server, path, options, headers=_headers(endpoint))
            figures.update(
                name=endpoint.name,
                label=endpoint.label,
                path=path,
                first_ms=first,
                rss_mb=server.rss_mb(),
                ratio=_ratio(figures["rate"], limit),
            )
            found.append(figures)
            log("  cached" + _line({**figures, "statements": "-"})[1:])
    return found


def memory_check(server, chosen, fixtures: dict, options: Options) -> dict:
    """Worker memory under a mix of the anonymous GETs for ``options.memory_seconds``, sampled
    every ten seconds: its level after 20,000 requests and whether it stays flat after."""
    paths = [catalog.path_of(e, fixtures) for e in chosen if e.method == "GET" and e.auth is None]
    log(f"memory check: {options.memory_seconds} s over {len(paths)} paths")
    samples = [{"seconds": 0, "rss_mb": server.rss_mb()}]
    done: list = []
    load = threading.Thread(
        daemon=True,
        target=lambda: done.append(
            wrk.run(
                server.port,
                "/",
                options.memory_seconds,
                options.connections,
                headers=dict(BROWSER),
                paths=paths,
            )
        ),
    )
    started = time.monotonic()
    load.start()
    while load.is_alive():
        load.join(10)
        samples.append({"seconds": round(time.monotonic() - started), "rss_mb": server.rss_mb()})
    if not done:
        raise RuntimeError("the memory check's load failed")
    result = done[0]
    return summarize_memory(samples, result.requests, result.seconds) | {"errors": result.errors}


def summarize_memory(
    samples: list[dict], requests: int, seconds: float, mark: int = 20_000
) -> dict:
    """The largest worker's RSS when ``mark`` requests were served (at the run's average rate),
    at the end, and the growth between (None when fewer were served)."""
    rate = requests / seconds if seconds else 0
    at_mark = next((s for s in samples if rate and s["seconds"] * rate >= mark), None)
    end = max(samples[-1]["rss_mb"], default=None)
    mark_rss = max(at_mark["rss_mb"], default=None) if at_mark else None
    return {
        "requests": requests,
        "seconds": round(seconds, 1),
        "samples": samples,
        "rss_at_20k_mb": mark_rss,
        "rss_end_mb": end,
        "growth_after_20k_mb": round(end - mark_rss, 1)
        if mark_rss is not None and end is not None
        else None,
    }


def run(options: Options) -> dict:
    run_id = time.strftime("%Y%m%d%H%M%S")
    rounds = []
    for size in options.sizes:
        for database in options.databases:
            dataset = Dataset(database, size)
            try:
                rounds.append(run_round(dataset, options, run_id))
            except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
                log(f"FAILED {dataset.name}: {error}")
                failed = Round(dataset.name, {}, failures=[f"{dataset.name}: {error}"])
                rounds.append(failed)
    return {"run_id": run_id, "options": asdict(options), "rounds": [asdict(r) for r in rounds]}
