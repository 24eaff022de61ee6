"""``python -m bench`` (``make bench``; ``make bench BENCH_ARGS=--quick``)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

from bench import endpoints, report, wrk
from bench.datasets import SIZES, Dataset, prepare
from bench.run import Options, log, run

DATABASES = ("sqlite", "postgresql")


def _names(text: str, allowed) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown {', '.join(unknown)}; choose from {', '.join(allowed)}"
        )
    return names


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument(
        "--quick",
        action="store_true",
        help="the small datasets only, 1 s per endpoint, latency under load, no memory check (CI)",
    )
    p.add_argument("--databases", type=lambda t: _names(t, DATABASES), default=list(DATABASES))
    p.add_argument("--sizes", type=lambda t: _names(t, SIZES), default=None)
    p.add_argument("--duration", type=int, default=None, help="seconds of load per endpoint (10)")
    p.add_argument(
        "--latency-duration",
        type=int,
        default=None,
        help="seconds of one-connection requests per endpoint (10; 0: none)",
    )
    p.add_argument("--connections", type=int, default=16)
    p.add_argument(
        "--only",
        type=lambda t: _names(t, endpoints.BY_NAME),
        default=None,
        help="endpoint names, comma-separated (--list shows them)",
    )
    p.add_argument(
        "--memory-seconds",
        type=int,
        default=None,
        help="the memory check's length, on the largest dataset of the run (300; 0: none)",
    )
    p.add_argument(
        "--memory", action="store_true", help="the memory check alone (endpoints not timed)"
    )
    p.add_argument(
        "--no-cache-pass", action="store_true", help="skip the pass with the page cache on"
    )
    p.add_argument("--rebuild", action="store_true", help="build the datasets again")
    p.add_argument("--build-only", action="store_true", help="prepare the datasets and stop")
    p.add_argument("--list", action="store_true", help="list the endpoints and stop")
    return p


def options_from(args) -> Options:
    quick = args.quick
    memory = args.memory_seconds
    if memory is None:
        memory = 0 if quick and not args.memory else 300
    sizes = args.sizes or (["small"] if quick else ["small", "large"])
    return Options(
        databases=args.databases,
        sizes=[size for size in SIZES if size in sizes],
        load_seconds=args.duration or (1 if quick else 10),
        latency_seconds=(
            args.latency_duration if args.latency_duration is not None else (0 if quick else 10)
        ),
        connections=args.connections,
        only=args.only,
        memory_seconds=memory,
        memory_only=args.memory,
        cache_pass=not args.no_cache_pass,
        rebuild=args.rebuild,
    )


def _stop(signum, frame):
    """TERM ends the run as Ctrl-C does: through the ``finally`` that stops each server."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)  # also when started in the background, ignoring it
    args = parser().parse_args(argv)
    if args.list:
        for e in endpoints.ENDPOINTS:
            print(f"{e.name:<14} {e.method:<5} {e.path:<45} {e.label}")
        return 0
    options = options_from(args)
    if args.build_only:
        for size in options.sizes:
            for database in options.databases:
                prepare(Dataset(database, size), rebuild=options.rebuild, log=log)
        return 0
    wrk.executable()
    started = time.monotonic()
    results = {
        "machine": report.machine(),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    results.update(run(options))
    results["load_average_end"] = os.getloadavg()
    results["seconds"] = round(time.monotonic() - started, 1)
    results["scale"] = report.scale_ratios(results["rounds"])
    results["targets"] = report.targets(results["rounds"], results["scale"])
    results["failures"] = [f for r in results["rounds"] for f in r["failures"]]
    json_path, md_path = report.write(results)
    print()
    print(report.tables(results))
    print(
        f"Written: {json_path.relative_to(report.RESULTS.parent.parent)}, {md_path.name} "
        f"({results['seconds']:.0f} s)"
    )
    if results["failures"]:
        print(f"bench: {len(results['failures'])} failure(s):", file=sys.stderr)
        for failure in results["failures"]:
            print(f"  {failure}", file=sys.stderr)
        return 1
    timed = sum(len(r["endpoints"]) for r in results["rounds"])
    print(f"bench: {timed} endpoint runs on {len(results['rounds'])} datasets, no errors")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the servers have been stopped on the way out
        print("bench: interrupted", file=sys.stderr)
        sys.exit(130)
