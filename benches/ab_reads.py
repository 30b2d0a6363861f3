#!/usr/bin/env python3
"""Two builds' read commands on the same trackers, runs alternated, medians.

    # the old build in a worktree of its own, its generator making the trackers
    git worktree add --detach /tmp/old 95587ea
    (cd /tmp/old && CARGO_TARGET_DIR=/tmp/old-target cargo build --release --bins --examples)
    /tmp/old-target/release/examples/gen --projects 10000 --out /tmp/oldscale/10000
    cargo build --release
    python3 benches/ab_reads.py /tmp/old-target/release/shibei-tracker \\
        target/release/shibei-tracker /tmp/oldscale/10000/tracker.yaml --runs 21
    # a save: --commands set-status:PROJECT (on a copy per build)

The trackers must be ones both builds read (a newer build reads an older
one's files; not always the other way). Each build keeps its cache in a
folder of its own (their formats differ); `first` is `validate` with the
cache off (the file parsed and checked). Wall time and CPU time (user +
system, all threads) are given: on a shared machine the wall time moves
most. Compare the ratios of one run, not absolute times across runs.
"""
import argparse
import os
import resource
import shutil
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
    ap.add_argument(
        "--commands",
        default="list,validate,progress,report,first",
        help="also set-status:PROJECT (flips its status on a copy of the tracker per build)",
    )
    a = ap.parse_args()
    caches = {k: tempfile.mkdtemp(prefix=f"ab-cache-{k}-") for k in ("old", "new")}
    binaries = {"old": a.old, "new": a.new}

    def run(which, tracker, command, cache):
        env = dict(os.environ, TRACKER_CACHE_DIR=cache, TRACKER_MAX_BYTES="4G")
        # A status change is dated today: a day after every generated one.
        today = "2026-12-04" if command.startswith("set-status") else "2024-09-01"
        argv = [binaries[which], "--file", tracker, "--today", today, *command.split()]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t
        if done.returncode not in (0, 1) or (done.returncode == 1 and command.startswith("set-status")):
            raise SystemExit(f"{which}: {' '.join(argv)}: {done.stderr.decode(errors='replace')[-300:]}")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu

    print("| tracker | command | old: wall / CPU (medians) | new: wall / CPU | new ÷ old: wall / CPU | median of the pairs' ratios (wall) |")
    print("|---|---|---|---|---|---|")
    for tracker in a.trackers:
        for command in a.commands.split(","):
            first = command == "first"
            c = "validate" if first else command
            files = {k: tracker for k in binaries}
            if command.startswith("set-status:"):
                # A copy each (with its reports): a save changes the file.
                for k in binaries:
                    d = tempfile.mkdtemp(prefix=f"ab-{k}-")
                    shutil.copy(tracker, d)
                    shutil.copytree(os.path.join(os.path.dirname(tracker), "seeds"), os.path.join(d, "seeds"))
                    files[k] = os.path.join(d, os.path.basename(tracker))
                c = "validate"
            if not first:  # fill each build's cache
                for k in binaries:
                    run(k, files[k], c, caches[k])
            times = {"old": [], "new": []}
            for i in range(a.runs):
                if command.startswith("set-status:"):
                    project = command.split(":", 1)[1]
                    status = ("stalled", "under_construction")[i % 2]
                    c = f"set-status {project} {status} --note bench"
                order = ("old", "new") if i % 2 == 0 else ("new", "old")
                for k in order:
                    times[k].append(run(k, files[k], c, "off" if first else caches[k]))
            med = {k: [statistics.median(x[j] for x in times[k]) for j in (0, 1)] for k in times}
            (ow, oc), (nw, nc) = med["old"], med["new"]
            # Each run times both builds back to back: the ratio within a
            # pair shares the machine's state of the moment.
            pairs = statistics.median(n[0] / o[0] for o, n in zip(times["old"], times["new"]))
            print(
                f"| {tracker} | {command} | {ow * 1000:.1f} / {oc * 1000:.1f} ms "
                f"| {nw * 1000:.1f} / {nc * 1000:.1f} ms | {nw / ow:.2f}× / {nc / oc:.2f}× | {pairs:.2f}× |",
                flush=True,
            )


if __name__ == "__main__":
    main()
