#!/usr/bin/env python3
"""Two builds' read commands on the same trackers, runs alternated, medians.

    # the old build in a worktree of its own, its generator making the trackers
    git worktree add --detach /tmp/old 95587ea
    (cd /tmp/old && CARGO_TARGET_DIR=/tmp/old-target cargo build --release --bins --examples)
    /tmp/old-target/release/examples/gen --projects 10000 --out /tmp/oldscale/10000
    cargo build --release
    python3 benches/ab_reads.py /tmp/old-target/release/shibei-tracker \\
        target/release/shibei-tracker /tmp/oldscale/10000/tracker.yaml --runs 11

The trackers must be ones both builds read (a newer build reads an older
one's files; not always the other way). Each build keeps its cache in a
folder of its own (their formats differ); `first` is `validate` with the
cache off (the file parsed and checked). The machine is noisy: compare the
ratio of one run, not absolute times across runs.
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("trackers", nargs="+")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--commands", default="list,validate,progress,report,first")
    a = ap.parse_args()
    caches = {k: tempfile.mkdtemp(prefix=f"ab-cache-{k}-") for k in ("old", "new")}
    binaries = {"old": a.old, "new": a.new}

    def run(which, tracker, command, cache):
        env = dict(os.environ, TRACKER_CACHE_DIR=cache, TRACKER_MAX_BYTES="4G")
        argv = [binaries[which], "--file", tracker, "--today", "2024-09-01", *command.split()]
        t = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - t

    print("| tracker | command | old (median) | new (median) | new ÷ old |")
    print("|---|---|---|---|---|")
    for tracker in a.trackers:
        for command in a.commands.split(","):
            first = command == "first"
            c = "validate" if first else command
            if not first:  # fill each build's cache
                for k in binaries:
                    run(k, tracker, c, caches[k])
            times = {"old": [], "new": []}
            for i in range(a.runs):
                order = ("old", "new") if i % 2 == 0 else ("new", "old")
                for k in order:
                    times[k].append(run(k, tracker, c, "off" if first else caches[k]))
            old, new = (statistics.median(times[k]) for k in ("old", "new"))
            print(f"| {tracker} | {command} | {old * 1000:.1f} ms | {new * 1000:.1f} ms | {new / old:.2f}× |", flush=True)


if __name__ == "__main__":
    main()
