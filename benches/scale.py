#!/usr/bin/env python3
"""How shibei-tracker scales: reproduces the table of issue 10.

    python3 benches/scale.py                      # 1k, 10k and 100k projects
    python3 benches/scale.py --sizes 1000,10000   # skip the slow size
    python3 benches/scale.py --quick              # 1k only, one run: a smoke test
    python3 benches/scale.py --sizes 10000 --interface-only   # the interface lines only

For each size it generates a tracker from the bundled one (examples/gen.rs),
then times with the release binary:
  - the read commands (validate, list, progress, report), medians;
  - set-status (one edit saved), medians;
  - peak memory (/usr/bin/time -v, maximum resident set) of validate and set-status;
  - the interface through a pseudo-terminal (120x40): time to the first frame,
    and the latency of each filter keystroke (key written -> last byte of the
    frame it causes), typing "renhelu" and deleting it again;
  - input that arrives at once, through the same pseudo-terminal: a
    10-character burst in one write (what an input method writes when it
    commits a phrase) on the filter line, and a 200-character paste (a
    passage of a report, bracketed as a terminal sends it when the
    interface asked for bracketed paste, else as plain typing) on the
    filter line and into a form field: written -> last byte of the frames
    it causes;
  - the same keystrokes after a `~` (fzf-style matching by fuzzy-matcher);
  - `list --filter Q` (and `~Q`) against `fzf --filter Q` on the same names (one line per
    project: names, aliases, id, chain, area, and the pinyin of the Chinese
    name in full and as initials, computed with pypinyin), in the same run.
Absolute times depend on the machine and on whatever else runs on it; the
ratios measured in the same run are what to compare. It installs fzf (apt)
and pypinyin (pip) when they are missing. Results are also written as JSON.
"""

import argparse
import fcntl
import json
import os
import platform
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "shibei-tracker")
GEN = os.path.join(ROOT, "target", "release", "examples", "gen")
QUERIES = ["rhl", "renhelu", "cruise", "数字"]
# The same words matched fzf-style (`~`: fuzzy-matcher's skim matcher),
# compared with fzf on the same word.
FUZZY = ["~" + q for q in QUERIES]
TYPED = "renhelu"
# What a Chinese input method commits at once: ten characters in one write.
BURST = "市北区人和路旧城改造"
PASTE_CHARS = 200
PASTE_START = b"\x1b[200~"
PASTE_END = b"\x1b[201~"
# Escape sequences in what the interface writes (cursor moves, colours).
ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def ensure_tools():
    if shutil.which("fzf") is None:
        log("installing fzf")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "fzf"], check=True, env=env)
    try:
        import pypinyin  # noqa: F401
    except ImportError:
        log("installing pypinyin")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pypinyin"], check=True)


def build():
    log("building (release)")
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--example", "gen", "--bin", "shibei-tracker"],
        cwd=ROOT,
        check=True,
    )


def timed(cmd, stdin=None):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stderr.decode(errors='replace')}")
    return dt


def median_of(runs, f):
    return statistics.median(f() for _ in range(runs))


def peak_rss_mib(cmd):
    r = subprocess.run(
        ["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    if r.returncode != 0 or not m:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stderr}")
    return int(m.group(1)) / 1024


def pinyin_names(src, dst):
    """names.txt plus the pinyin of the Chinese name, full and initials."""
    from pypinyin import lazy_pinyin, Style

    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            line = line.rstrip("\n")
            zh = line.split(" | ", 1)[0]
            full = "".join(lazy_pinyin(zh, errors="ignore"))
            initials = "".join(lazy_pinyin(zh, style=Style.FIRST_LETTER, errors="ignore"))
            out.write(f"{line} | {full} | {initials}\n")


class Tui:
    """The interface in a pseudo-terminal, answering nothing but reading all."""

    def __init__(self, file, cols=120, rows=40):
        self.t0 = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            env = dict(os.environ, TERM="xterm-256color")
            os.execve(BIN, [BIN, "--file", file, "--today", "2024-09-01"], env)
        self.pid, self.fd = pid, fd
        self.buf = b""

    def read_until(self, needle, timeout, text=False):
        """Reads until `needle` came; with `text`, in the characters drawn
        (escape sequences left out: the cursor moves after every wide
        character split Chinese text in the raw bytes)."""
        end = time.perf_counter() + timeout
        seen = (lambda: needle in ANSI.sub(b"", self.buf)) if text else (lambda: needle in self.buf)
        while not seen():
            left = end - time.perf_counter()
            if left <= 0:
                raise SystemExit(f"interface: no {needle!r} within {timeout} s")
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                self.buf += os.read(self.fd, 1 << 16)
        return time.perf_counter()

    def settle(self, quiet, timeout=60.0):
        """Reads until nothing arrives for `quiet` seconds; returns the time
        the last byte arrived (None if nothing came)."""
        last = None
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            r, _, _ = select.select([self.fd], [], [], quiet)
            if not r:
                return last
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                return last
            if not chunk:
                return last
            self.buf += chunk
            last = time.perf_counter()
        return last

    def key(self, data, quiet, timeout=60.0, until=None):
        """Writes a key; returns the time until the last byte of the frame
        it caused (the first byte may take long, then the frame is done
        when nothing more comes for `quiet` seconds). With `until`, the
        frame that matters is the one showing those bytes: frames drawn
        before it, however far apart, do not end the wait."""
        self.buf = b""
        t = time.perf_counter()
        os.write(self.fd, data)
        if until is not None:
            try:
                first = self.read_until(until, timeout, text=True)
            except SystemExit:
                return None
        else:
            r, _, _ = select.select([self.fd], [], [], timeout)
            if not r:
                return None
            self.buf += os.read(self.fd, 1 << 16)
            first = time.perf_counter()
        last = self.settle(quiet)
        return (last or first) - t

    def close(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def interface(file, cycles, quiet, prefix=""):
    """First frame, and the latency of each keystroke typing `prefix` then
    TYPED and deleting TYPED (`prefix="~"`: the fzf-style matcher)."""
    tui = Tui(file)
    first = tui.read_until(b"? help", 120) - tui.t0
    tui.settle(quiet)
    tui.key(b"/", quiet)
    for ch in prefix:
        tui.key(ch.encode(), quiet)
    lat = []
    for _ in range(cycles):
        for ch in TYPED:
            lat.append(tui.key(ch.encode(), quiet))
        for _ in TYPED:
            lat.append(tui.key(b"\x7f", quiet))
    tui.close()
    lat = sorted(x for x in lat if x is not None)
    p90 = lat[min(len(lat) - 1, int(round(0.9 * (len(lat) - 1))))] if lat else None
    return first, (statistics.median(lat) if lat else None), p90, len(lat)


def paste_text(seeds):
    """The first 200 characters of the longest line of the first report:
    a passage a user would copy to quote."""
    first = sorted(f for f in os.listdir(seeds) if f.endswith(".txt"))[0]
    with open(os.path.join(seeds, first), encoding="utf-8") as f:
        line = max(f.read().splitlines(), key=len)
    if len(line) < PASTE_CHARS:
        raise SystemExit(f"{first}: no line of {PASTE_CHARS} characters to paste")
    return line[:PASTE_CHARS]


def input_at_once(file, runs, quiet):
    """A burst and pastes, each written at once; returns the median
    latencies (s) and whether the interface asked for bracketed paste."""
    text = paste_text(os.path.join(os.path.dirname(file), "seeds"))
    tui = Tui(file)
    tui.read_until(b"? help", 120)
    tui.settle(quiet)
    # A terminal brackets a paste only when the program asked for it.
    bracketed = b"\x1b[?2004h" in tui.buf
    paste = (PASTE_START + text.encode() + PASTE_END) if bracketed else text.encode()
    tui.key(b"/", quiet)
    # Warm up: the search keys are built on the first filter key.
    tui.key(b"a", quiet)
    tui.key(b"\x15", quiet)
    res = {"bracketed": bracketed}

    def shown_end(text):
        # The last characters typed, as the screen draws them (the end of
        # the line is kept in view while typing; ambiguous-width
        # punctuation has a stand-in).
        mapped = text.translate(str.maketrans("“”‘’—–…·", "\"\"''--~・"))
        return mapped[-3:].encode()

    def timed_inputs(data, text):
        lat = []
        for _ in range(runs):
            lat.append(tui.key(data, quiet, until=shown_end(text)))
            tui.key(b"\x15", quiet)  # Ctrl-U: the line cleared again
        lat = [x for x in lat if x is not None]
        return statistics.median(lat) if lat else None

    res["burst_s"] = timed_inputs(BURST.encode(), BURST)
    res["paste_filter_s"] = timed_inputs(paste, text)
    tui.key(b"\x1b", quiet)  # Esc: the filter closed
    # A new project's form, on its Quote field (the eighth).
    tui.key(b"n", quiet)
    for _ in range(7):
        tui.key(b"\t", quiet)
    res["paste_form_s"] = timed_inputs(paste, text)
    tui.close()
    return res


def measure_interface(size, args):
    """The interface lines alone (`--interface-only`)."""
    d = os.path.join(args.out, str(size))
    log(f"== {size} projects: generating")
    subprocess.run([GEN, "--projects", str(size), "--out", d], check=True, stdout=subprocess.DEVNULL)
    file = os.path.join(d, "tracker.yaml")
    res = {"projects": size, "file_mb": round(os.path.getsize(file) / 1e6, 2)}
    interface_lines(res, file, size, args)
    log(f"   {json.dumps(res, ensure_ascii=False)}")
    return res


def interface_lines(res, file, size, args):
    log("   interface (pseudo-terminal)")
    quiet = 0.1 if size < 50000 else 0.25
    cycles = 3 if size <= 20000 else 1
    first, med, p90, n = interface(file, cycles, quiet)
    res["tui_first_frame_s"] = first
    res["tui_keystroke_ms"] = {
        "median": None if med is None else med * 1000,
        "p90": None if p90 is None else p90 * 1000,
        "samples": n,
    }
    _, med, p90, n = interface(file, cycles, quiet, prefix="~")
    res["tui_keystroke_fuzzy_ms"] = {
        "median": None if med is None else med * 1000,
        "p90": None if p90 is None else p90 * 1000,
        "samples": n,
    }
    log("   input at once: a burst, pastes")
    res["tui_input"] = input_at_once(file, args.runs or (5 if size <= 20000 else 3), quiet)


def measure(size, args):
    d = os.path.join(args.out, str(size))
    log(f"== {size} projects: generating")
    subprocess.run([GEN, "--projects", str(size), "--out", d], check=True, stdout=subprocess.DEVNULL)
    file = os.path.join(d, "tracker.yaml")
    names = os.path.join(d, "names-pinyin.txt")
    pinyin_names(os.path.join(d, "names.txt"), names)
    mb = os.path.getsize(file) / 1e6
    runs = args.runs or (5 if size <= 2000 else 3 if size <= 20000 else 1)
    base = [BIN, "--file", file, "--today", "2024-09-01"]
    res = {"projects": size, "file_mb": round(mb, 2), "runs": runs}

    # The first read after the file changed parses and validates it (and
    # fills the cache, for files of 1 MiB or more); later reads use the cache.
    log("   first read (no cache)")
    cache = os.path.join(args.out, "cache")
    shutil.rmtree(cache, ignore_errors=True)
    os.environ["TRACKER_CACHE_DIR"] = cache
    res["cold_read_s"] = timed(base + ["validate"])
    log(f"   read commands ({runs} runs each)")
    reads = {}
    for cmd in (["validate"], ["list"], ["progress"], ["report"]):
        reads[cmd[0]] = median_of(runs, lambda: timed(base + cmd))
    res["read_s"] = reads

    # The project edited: one from the middle of the file, flipped between
    # two statuses so every run saves a real change.
    proj = subprocess.run(base + ["list", "--format", "csv"], capture_output=True, text=True, check=True)
    ids = [line.split(",", 1)[0] for line in proj.stdout.splitlines()[1:]]
    pid = ids[len(ids) // 2]
    flip = iter(["stalled", "operating"] * (4 * runs + 8))
    log("   set-status")
    res["set_status_s"] = median_of(
        runs, lambda: timed(base + ["set-status", pid, next(flip), "--date", "2024-09-01"])
    )
    # A save must not grow with the edits made before it: edit other
    # records, then time the same edit again.
    edits = 50 if size <= 20000 else 10
    log(f"   set-status after {edits} edits to other records")
    step = max(1, len(ids) // (edits + 1))
    for k in range(edits):
        other = ids[(k * step + 1) % len(ids)]
        if other != pid:
            timed(base + ["set-status", other, "stalled", "--date", "2024-09-01"])
    res["edits_before"] = edits
    res["set_status_after_edits_s"] = median_of(
        runs, lambda: timed(base + ["set-status", pid, next(flip), "--date", "2024-09-01"])
    )

    log("   peak memory")
    timed(base + ["validate"])
    peaks = {}
    for cmd in (["validate"], ["list"], ["progress"], ["report"]):
        peaks[cmd[0]] = round(peak_rss_mib(base + cmd), 1)
    res["read_peak_mib"] = peaks
    res["set_status_peak_mib"] = round(
        peak_rss_mib(base + ["set-status", pid, next(flip), "--date", "2024-09-01"]), 1)
    shutil.rmtree(cache, ignore_errors=True)
    res["cold_peak_mib"] = round(peak_rss_mib(base + ["validate"]), 1)
    res["bare_process_mib"] = round(peak_rss_mib([BIN, "--version"]), 1)
    res["file_mib"] = os.path.getsize(file) / 1048576

    interface_lines(res, file, size, args)

    log("   list --filter vs fzf --filter")
    cmp = {}
    for q in QUERIES + FUZZY:
        ours = median_of(runs, lambda: timed(base + ["list", "--format", "csv", "--filter", q]))
        with open(names, "rb") as f:
            def fz():
                f.seek(0)
                return timed(["fzf", "--filter", q.lstrip("~")], stdin=f)
            theirs = median_of(runs, fz)
        hits_ours = len(subprocess.run(base + ["list", "--format", "csv", "--filter", q],
                                       capture_output=True, text=True).stdout.splitlines()) - 1
        with open(names, "rb") as f:
            hits_fzf = len(subprocess.run(["fzf", "--filter", q.lstrip("~")], stdin=f,
                                          capture_output=True).stdout.splitlines())
        cmp[q] = {"ours_s": ours, "fzf_s": theirs, "ratio": ours / theirs,
                  "hits_ours": hits_ours, "hits_fzf": hits_fzf}
    res["filter_vs_fzf"] = cmp
    log(f"   {json.dumps(res, ensure_ascii=False)}")
    return res


def fmt_s(x):
    return f"{x:.2f} s" if x >= 0.1 else f"{x * 1000:.0f} ms"


def x_file(r, mib):
    return f"{mib:.0f} MiB ({mib / r['file_mib']:.1f}×)"


def input_rows(results):
    def ms(r, k):
        x = r["tui_input"][k]
        return "n/a" if x is None else fmt_s(x)

    how = lambda r: "" if r["tui_input"]["bracketed"] else " (typed: no bracketed paste)"
    return [
        ("interface: one filter keystroke, median / p90",
         [f"{r['tui_keystroke_ms']['median']:.0f} / {r['tui_keystroke_ms']['p90']:.0f} ms"
          if r["tui_keystroke_ms"]["median"] is not None else "n/a" for r in results]),
        (f"interface: a {len(BURST)}-character burst in one write (an input method), filter line",
         [ms(r, "burst_s") for r in results]),
        (f"interface: a {PASTE_CHARS}-character paste, filter line",
         [ms(r, "paste_filter_s") + how(r) for r in results]),
        (f"interface: a {PASTE_CHARS}-character paste, a form field",
         [ms(r, "paste_form_s") + how(r) for r in results]),
    ]


def markdown(cols, rows):
    out = ["| | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    out += [f"| {name} | " + " | ".join(vals) + " |" for name, vals in rows]
    return "\n".join(out)


def interface_table(results):
    cols = [f"{r['projects'] // 1000}k ({r['file_mb']:.2f} MB)" for r in results]
    rows = [("interface: first frame", [fmt_s(r["tui_first_frame_s"]) for r in results])]
    return markdown(cols, rows + input_rows(results))


def table(results):
    cols = [f"{r['projects'] // 1000}k ({r['file_mb']:.2f} MB)" for r in results]
    reads = ("validate", "list", "progress", "report")
    rows = [
        ("slowest read command (validate, list, progress, report)",
         [fmt_s(max(r["read_s"].values())) for r in results]),
        ("`validate` / `list` / `progress` / `report`",
         [" / ".join(fmt_s(r["read_s"][k]) for k in reads) for r in results]),
        ("first read of a file not yet cached (`validate`: parses, fills the cache)",
         [fmt_s(r["cold_read_s"]) for r in results]),
        ("`set-status` (one edit saved) ÷ `validate`",
         [f"{fmt_s(r['set_status_s'])} ({r['set_status_s'] / r['read_s']['validate']:.1f}×)" for r in results]),
        ("`set-status` after edits to other records",
         [f"{fmt_s(r['set_status_after_edits_s'])} (after {r['edits_before']}; "
          f"{r['set_status_after_edits_s'] / r['set_status_s']:.1f}× the first)" for r in results]),
        ("peak memory, read commands (largest of the four; × the file)",
         [x_file(r, max(r["read_peak_mib"].values())) + " " + max(r["read_peak_mib"], key=r["read_peak_mib"].get)
          for r in results]),
        ("peak memory, `validate` / `list` / `progress` / `report` (MiB)",
         [" / ".join(f"{r['read_peak_mib'][k]:.0f}" for k in reads) for r in results]),
        ("peak memory, `set-status`", [x_file(r, r["set_status_peak_mib"]) for r in results]),
        ("peak memory, first read (parse)", [x_file(r, r["cold_peak_mib"]) for r in results]),
        ("peak memory of the bare process (`--version`)", [f"{r['bare_process_mib']:.1f} MiB" for r in results]),
        ("interface: first frame", [fmt_s(r["tui_first_frame_s"]) for r in results]),
    ]
    rows += input_rows(results)
    rows.append(("interface: one `~` (fzf-style) filter keystroke, median / p90",
                 [f"{r['tui_keystroke_fuzzy_ms']['median']:.0f} / {r['tui_keystroke_fuzzy_ms']['p90']:.0f} ms"
                  if r.get("tui_keystroke_fuzzy_ms", {}).get("median") is not None else "n/a" for r in results]))
    for q in QUERIES + FUZZY:
        rows.append((f"`list --filter {q}` ÷ `fzf --filter {q.lstrip('~')}` (hits: ours / fzf)",
                     [f"{r['filter_vs_fzf'][q]['ratio']:.1f}× ({r['filter_vs_fzf'][q]['hits_ours']} / "
                      f"{r['filter_vs_fzf'][q]['hits_fzf']})" for r in results]))
    return markdown(cols, rows)


def growth(results):
    """Each figure at 10× the projects ÷ the figure before (linear: about 10×)."""
    pairs = [(a, b) for a in results for b in results if b["projects"] == 10 * a["projects"]]
    if not pairs:
        return ""
    figures = [(f"`{k}`", lambda r, k=k: r["read_s"][k]) for k in ("validate", "list", "progress", "report")]
    figures += [
        ("first read (parse)", lambda r: r["cold_read_s"]),
        ("`set-status`", lambda r: r["set_status_s"]),
        ("peak memory, largest read command", lambda r: max(r["read_peak_mib"].values())),
        ("peak memory, `set-status`", lambda r: r["set_status_peak_mib"]),
        ("interface: first frame", lambda r: r["tui_first_frame_s"]),
        ("interface: keystroke median", lambda r: r["tui_keystroke_ms"]["median"] or float("nan")),
        ("interface: `~` keystroke median", lambda r: r["tui_keystroke_fuzzy_ms"]["median"] or float("nan")),
    ]
    figures += [(f"`list --filter {q}`", lambda r, q=q: r["filter_vs_fzf"][q]["ours_s"]) for q in QUERIES + FUZZY]
    cols = [f"{b['projects'] // 1000}k ÷ {a['projects'] // 1000}k" for a, b in pairs]
    out = ["| | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for name, f in figures:
        out.append(f"| {name} | " + " | ".join(f"{f(b) / f(a):.1f}×" for a, b in pairs) + " |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000", help="project counts, comma-separated")
    ap.add_argument("--runs", type=int, default=0, help="runs per timing (default: 5, 3, 1 by size)")
    ap.add_argument("--out", default="/tmp/shibei-scale", help="where generated trackers go")
    ap.add_argument("--quick", action="store_true", help="1k projects, one run (a smoke test)")
    ap.add_argument("--no-build", action="store_true", help="use the binaries already built")
    ap.add_argument("--interface-only", action="store_true",
                    help="only the interface lines (first frame, keystrokes, burst, pastes)")
    args = ap.parse_args()
    if args.quick:
        args.sizes, args.runs = "1000", 1
    ensure_tools()
    if not args.no_build:
        build()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.interface_only:
        results = [measure_interface(n, args) for n in sizes]
        print(interface_table(results))
        return
    results = [measure(n, args) for n in sizes]
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}"
    fzf_version = subprocess.run(["fzf", "--version"], capture_output=True, text=True).stdout.strip()
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"machine": machine, "fzf": fzf_version, "results": results}, f, indent=1, ensure_ascii=False)
    print(f"machine: {machine}; fzf {fzf_version}")
    print(table(results))
    g = growth(results)
    if g:
        print()
        print("growth (10× the projects):")
        print(g)


if __name__ == "__main__":
    main()
