#!/usr/bin/env python3
"""Per-publication arrival times from a run of the shared generator patched with fanout-mp-warm.diff.

For every publication and worker process: when its first and its last subscriber got it, counted from the stamp the
publisher put in it (ms). Prints, per worker, the first publications of the run and the last-arrival quantiles of
the publications stamped at least 0 / 500 / 1000 / 2000 ms after the run's first one: a run whose early publications
are slow and whose later ones are not has a start-up transient, and in a short run that transient is the p99.

    python3 loadtest/diagnostics/arrivals.py [DUMP_DIR]     # default /tmp/fanout-warm
"""
import glob
import json
import sys


def quantile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "/tmp/fanout-warm"
    workers = sorted(glob.glob(f"{directory}/worker-*.json"))
    if not workers:
        sys.exit(f"no worker-*.json in {directory}")
    dumps = [json.load(open(f)) for f in workers]
    t0 = min(stamp for d in dumps for stamp, _ in d["per"])
    for name, d in zip(workers, dumps):
        per = sorted(d["per"])
        cpu_s = (d["cpu"]["user"] + d["cpu"]["system"]) / 1e6
        print(f"{name}: {len(per)} publications, {cpu_s:.2f} s CPU since the counters were reset")
        print("  first 20 (stamp after the first : first / last arrival, ms):",
              " ".join(f"{s - t0}:{e[0] - s}/{e[1] - s}" for s, e in per[:20]))
        for after in (0, 500, 1000, 2000):
            last = [e[1] - s for s, e in per if s - t0 >= after]
            if last:
                print(f"  stamped >= {after:4d} ms: last arrival p50 {quantile(last, .5)} p99 {quantile(last, .99)}"
                      f" max {max(last)} ({len(last)} publications)")


if __name__ == "__main__":
    main()
