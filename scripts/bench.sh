#!/usr/bin/env bash
# Flow Desk against an empty Tauri 2 app (benches/baseline), side by side in one run:
# installer size, idle memory, start to interactive; then the in-process benchmarks
# (benches/harness): create latency (the app's command path vs a raw POST), watching 200
# flows, and a bulk run of 1000 links. Prints a markdown table and writes it to
# target/bench/results.md, with every sample in target/bench/results.json.
#
#   scripts/bench.sh                 release builds of both apps and the harness, then N=5 runs
#   BENCH_N=3 scripts/bench.sh       fewer repeats
#   BENCH_SKIP_BUILD=1 ...           measure what target/release already holds
#   BENCH_WATCH=0 ...                skip the 2.5-minute watch benchmark
#   BENCH_BULK_CRASH=0 ...           skip `flowdesk bulk` killed -9 in a 10,000-row batch, then resumed
#   BENCH_YEAR=0 ...                 skip a year of use (seeded 5k/50k data folders vs empty)
#   BENCH_CLI=0 ...                  skip `flowdesk create` as a process vs curl
#   BENCH_SETTLE_SECS=10             how long after start idle memory is read
#   BENCH_BEFORE_BIN=… BENCH_BEFORE_DEB=…   an earlier release build of the app, launched in the
#                                    same rounds, for a before/after table from one run
# Needs Xvfb, dbus-run-session and gnome-keyring (scripts/setup.sh test installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
n=${BENCH_N:-5}
out=$root/target/bench
mkdir -p "$out"

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  scripts/setup.sh test
  echo "=== release builds (app .deb, baseline .deb, harness)"
  # --ignore-version-mismatches: see docs/packages.md (the clipboard plugin's npm and crate
  # versions differ in minor version).
  npx tauri build --bundles deb --ignore-version-mismatches
  (cd benches/baseline && npx tauri build --bundles deb --ignore-version-mismatches)
  cargo build --release --locked -p flowdesk-bench -p flowdesk-cli
fi

deb_of() { ls -t "$root/target/release/bundle/deb/$1"_*_amd64.deb 2>/dev/null | head -1; }
app_deb=$(deb_of "Flow Desk")
base_deb=$(deb_of "Flow Desk Baseline")
for f in "$app_deb" "$base_deb" target/release/flow-desk target/release/flowdesk-baseline target/release/flowdesk-bench target/release/flowdesk; do
  [ -n "$f" ] && [ -e "$f" ] || { echo "bench: missing build output ($f): run without BENCH_SKIP_BUILD" >&2; exit 1; }
done

# Every launch gets a throwaway HOME; the whole run shares one Xvfb and one throwaway
# D-Bus session with an unlocked keyring (the app checks the keychain at start).
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
scratch=$(mktemp -d /tmp/flowdesk-bench.XXXXXX)
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" \
  XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
display=90
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
export DISPLAY=:$display NO_AT_BRIDGE=1
Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
# The desktop portal may have mounted its document store (FUSE) in the scratch runtime
# dir: unmount it first, and never let cleanup change the exit status.
trap 'kill $xvfb_pid 2>/dev/null || true; fusermount -u -z "$scratch/run/doc" 2>/dev/null || true; rm -rf "$scratch" 2>/dev/null || true' EXIT
sleep 1

export BENCH_N=$n BENCH_OUT=$out BENCH_APP_DEB=$app_deb BENCH_BASE_DEB=$base_deb \
  BENCH_APP_BIN=$root/target/release/flow-desk BENCH_BASE_BIN=$root/target/release/flowdesk-baseline \
  BENCH_HARNESS=$root/target/release/flowdesk-bench BENCH_SCRATCH=$scratch \
  BENCH_CLI_BIN=$root/target/release/flowdesk BENCH_SCRIPTS=$root/scripts
cat >"$scratch/bench.py" <<'PY'
import json, os, shutil, signal, statistics, subprocess, sys, tempfile, time

env = os.environ
N = int(env["BENCH_N"])
SETTLE = float(env.get("BENCH_SETTLE_SECS", "10"))
OUT = env["BENCH_OUT"]

def log(msg):
    print(msg, file=sys.stderr, flush=True)

def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = open(f"/proc/{d}/stat").read()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(d))
    return kids

def tree(pid):
    kids, out, todo = children_map(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out

def pss_kib(pid):
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0

def name(pid):
    try:
        return open(f"/proc/{pid}/comm").read().strip()
    except OSError:
        return "?"

CLK = os.sysconf("SC_CLK_TCK")

def cpu_ms(pid):
    """User + system CPU time the process has used so far, ms."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / CLK
    except (OSError, IndexError, ValueError):
        return 0.0

def launch(binary, seed=None):
    """Spawn → the ui-ready line (ms), then the summed PSS of the process tree SETTLE s after spawn.
    `seed`: a data folder copied in first (the app's is $XDG_DATA_HOME/com.flowdesk.desk)."""
    home = tempfile.mkdtemp(prefix="launch.", dir=env["BENCH_SCRATCH"])
    e = dict(env)
    for k in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        e[k] = os.path.join(home, k.lower())
        os.makedirs(e[k])
    if seed:
        shutil.copytree(seed, os.path.join(e["XDG_DATA_HOME"], "com.flowdesk.desk"))
    out = open(os.path.join(home, "stdout.log"), "wb")
    t0 = time.monotonic()
    p = subprocess.Popen([binary], env=e, stdout=out, stderr=subprocess.PIPE, start_new_session=True)
    os.set_blocking(p.stderr.fileno(), False)
    ready, buf, in_app, web_cpu, tree_cpu = None, b"", None, None, None
    while time.monotonic() - t0 < SETTLE:
        chunk = p.stderr.read() or b""
        buf += chunk
        if ready is None and b"flowdesk: ui-ready" in buf:
            ready = (time.monotonic() - t0) * 1000
            line = buf.split(b"flowdesk: ui-ready", 1)[1].split(b"\n", 1)[0]
            in_app = float(line.strip() or 0)
            # CPU spent until then: WebKit's web process (parse, script, layout, paint), and the tree.
            at_ready = tree(p.pid)
            web_cpu = sum(cpu_ms(q) for q in at_ready if name(q).startswith("WebKitWebProc"))
            tree_cpu = sum(cpu_ms(q) for q in at_ready)
        if p.poll() is not None:
            break
        time.sleep(0.002)
    procs = tree(p.pid)
    pss = sum(pss_kib(q) for q in procs)
    names = sorted(name(q) for q in procs)
    for q in reversed(procs):
        try:
            os.kill(q, signal.SIGTERM)
        except OSError:
            pass
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        for q in procs:
            try:
                os.kill(q, signal.SIGKILL)
            except OSError:
                pass
        p.wait()
    out.close()
    if ready is None:
        log(f"  {binary}: no ui-ready line within {SETTLE}s; stderr: {buf[-2000:].decode(errors='replace')}")
    shutil.rmtree(home, ignore_errors=True)
    return {"ready_ms": ready, "ready_in_app_ms": in_app, "web_cpu_ms_at_ready": web_cpu,
            "tree_cpu_ms_at_ready": tree_cpu, "pss_mb": pss / 1024, "processes": names}

def harness(*args):
    r = subprocess.run([env["BENCH_HARNESS"], *args], stdout=subprocess.PIPE, check=True, env=dict(env, FLOWDESK_LOG="warn"))
    return json.loads(r.stdout)

load_start = open("/proc/loadavg").read().split()[:3]
samples = {"app": [], "baseline": []}
rounds = [("app", "BENCH_APP_BIN"), ("baseline", "BENCH_BASE_BIN")]
if env.get("BENCH_BEFORE_BIN"):
    samples["before"] = []
    rounds.insert(1, ("before", "BENCH_BEFORE_BIN"))
log(f"=== launches: {N} × ({', '.join(k for k, _ in rounds)}), idle memory read {SETTLE:g}s after spawn")
for i in range(N):
    for key, var in rounds:
        s = launch(env[var])
        samples[key].append(s)
        log(f"  {key:8} #{i + 1}: ready {s['ready_ms'] and round(s['ready_ms'])} ms (web process CPU "
            f"{s['web_cpu_ms_at_ready'] and round(s['web_cpu_ms_at_ready'])} ms), PSS {s['pss_mb']:.1f} MB ({len(s['processes'])} processes)")

log(f"=== create latency: {N} × 200 creates")
creates = []
for i in range(N):
    creates.append(harness("create-latency", "200"))
    c = creates[-1]
    log(f"  #{i + 1}: command {c['command']['median_ms']:.2f} ms, raw POST {c['raw_post']['median_ms']:.2f} ms (median)")

log(f"=== bulk: {N} × 1000 links")
bulks = []
for i in range(N):
    bulks.append(harness("bulk", "1000"))
    b = bulks[-1]
    log(f"  #{i + 1}: {b['creates_per_sec']:.0f}/s, {b['duplicates']} duplicates, {b['lost']} lost, "
        f"{b.get('journal_syncs')} journal fsyncs")
crash = None
cli_bin = env.get("BENCH_CLI_BIN") or os.path.join(os.path.dirname(env["BENCH_HARNESS"]), "flowdesk")
if env.get("BENCH_BULK_CRASH", "1") != "0" and not os.path.exists(cli_bin):
    log(f"=== bulk crash skipped: no release CLI at {cli_bin} (cargo build --release -p flowdesk-cli)")
elif env.get("BENCH_BULK_CRASH", "1") != "0":
    log("=== bulk crash: the release flowdesk bulk killed -9 at 30 % of 10,000 rows, then resumed")
    crash = harness("bulk-crash", "10000")
    log(f"  {crash}")

watch = None
if env.get("BENCH_WATCH", "1") != "0":
    log("=== watch: 200 pushed Local flows beside 200 polled ones (one run, ~2.5 min)")
    watch = harness("watch", "200")
    log(f"  {watch}")

sys.path.insert(0, env["BENCH_SCRIPTS"])
sys.dont_write_bytecode = True  # no __pycache__ left in scripts/
import bench_year
year = cli = None
if env.get("BENCH_YEAR", "1") != "0":
    log("=== a year of use: seeded data folders (5k, 50k) vs an empty one")
    year = bench_year.year(env, launch, harness, log, N)
if env.get("BENCH_CLI", "1") != "0":
    log("=== the CLI: flowdesk create vs curl, against a running local sandbox")
    cli = bench_year.cli(env, log)

def mmm(values, fmt="{:.1f}"):
    v = [x for x in values if x is not None]
    if not v:
        return "n/a", None
    med = statistics.median(v)
    return f"{fmt.format(min(v))} / **{fmt.format(med)}** / {fmt.format(max(v))}", med

def verdict(ok):
    return "met" if ok else "**missed**"

rows = []
app_size = os.path.getsize(env["BENCH_APP_DEB"]) / 2**20
base_size = os.path.getsize(env["BENCH_BASE_DEB"]) / 2**20
rows.append(("Installer (.deb), MiB", f"**{app_size:.2f}**", f"**{base_size:.2f}**",
             f"{app_size / base_size:.2f}×", "≤ 4.5 MiB", verdict(app_size <= 4.5)))
a, am = mmm([s["pss_mb"] for s in samples["app"]], "{:.0f}")
b, bm = mmm([s["pss_mb"] for s in samples["baseline"]], "{:.0f}")
rows.append((f"Idle memory, summed PSS of the process tree {SETTLE:g} s after start, MB", a, b,
             f"{am / bm:.2f}×", "≤ 1.12×", verdict(am / bm <= 1.12)))
a, am = mmm([s["ready_ms"] for s in samples["app"]], "{:.0f}")
b, bm = mmm([s["ready_ms"] for s in samples["baseline"]], "{:.0f}")
ratio = am / bm if am and bm else None
rows.append(("Start to interactive (spawn → first paint of the builder), ms", a, b,
             f"{ratio:.2f}×" if ratio else "n/a", "≤ 1.25×", verdict(ratio is not None and ratio <= 1.25)))
a, am = mmm([s["web_cpu_ms_at_ready"] for s in samples["app"]], "{:.0f}")
b, bm = mmm([s["web_cpu_ms_at_ready"] for s in samples["baseline"]], "{:.0f}")
rows.append(("CPU time of WebKit's web process at ui-ready (user + system), ms", a, b,
             f"{am / bm:.2f}×" if am and bm else "n/a", "report", "–"))
a, am = mmm([c["command"]["median_ms"] for c in creates], "{:.2f}")
b, bm = mmm([c["raw_post"]["median_ms"] for c in creates], "{:.2f}")
rows.append(("Create flow, median of 200 (command path vs raw HTTP POST), ms", a, b,
             f"{am - bm:+.2f} ms", "≤ +2 ms", verdict(am - bm <= 2)))
rate, rm = mmm([x["creates_per_sec"] for x in bulks], "{:.0f}")
ideal = bulks[0]["ideal_per_sec"]
dups = sum(x["duplicates"] for x in bulks)
lost = sum(x["lost"] for x in bulks)
rows.append((f"Bulk 1000 links, {bulks[0]['latency_ms']} ms per create, {bulks[0]['concurrency']} at once, creates/s "
             f"(duplicates, lost: all runs)", rate + f" ({dups}, {lost})", f"ideal {ideal:.0f}",
             f"{rm / ideal:.2f}× ideal", "≥ 0.95×, 0 dup, 0 lost",
             verdict(rm / ideal >= 0.95 and dups == 0 and lost == 0)))
if crash:
    rows.append((f"Bulk {crash['rows']} links, `flowdesk bulk` killed -9 with {crash['flows_at_kill']} flows made, "
                 "then resumed: duplicates, lost", f"**{crash['duplicates']}, {crash['lost']}**", "–", "–",
                 "0 dup, 0 lost", verdict(crash["duplicates"] == 0 and crash["lost"] == 0)))
if watch:
    f, s = watch["first_minute"], watch["steady"]
    shown = watch["change_shown_after_secs"]
    rows.append(("Watching 200 Local flows (pushed) vs 200 polled, sandbox GETs/min while nothing changes "
                 f"(first minute; steady, from {s['from_secs']} s)",
                 f"{f['pushed_gets_per_min']:.0f}; **{s['pushed_gets_per_min']:.0f}**",
                 f"{f['polled_gets_per_min']:.0f}; **{s['polled_gets_per_min']:.0f}**", "–", "≈ 0 pushed", 
                 verdict(s["pushed_gets_per_min"] <= 1)))
    rows.append(("A completed step shown in History (pushed vs polled), s",
                 f"**{shown['pushed']:.2f}**", f"**{shown['polled']:.2f}**", "–", "report", "–"))
    rows.append(("Watching 400 flows: process CPU (first minute; steady), ms per minute",
                 f"{f['cpu_ms_per_min']:.0f}; {s['cpu_ms_per_min']:.0f}", "–", "–", "report", "–"))

if year:
    rows += bench_year.year_rows(year, verdict)
if cli:
    rows += bench_year.cli_rows(cli, verdict)

detail = [f"create flow, the Dots client alone (median of medians): app's sandbox "
          f"{statistics.median(c['client_app_sandbox']['median_ms'] for c in creates):.2f} ms, twin sandbox "
          f"{statistics.median(c['client_twin_sandbox']['median_ms'] for c in creates):.2f} ms",
          f"start to interactive as the app itself counts it (from run()): app "
          f"{statistics.median([s['ready_in_app_ms'] for s in samples['app'] if s['ready_in_app_ms'] is not None] or [0]):.0f} ms, baseline "
          f"{statistics.median([s['ready_in_app_ms'] for s in samples['baseline'] if s['ready_in_app_ms'] is not None] or [0]):.0f} ms",
          f"processes measured: app {samples['app'][0]['processes']}, baseline {samples['baseline'][0]['processes']}",
          f"machine: {os.cpu_count()} cores; load average (1, 5, 15 min) {' '.join(load_start)} at the start, "
          f"{' '.join(open('/proc/loadavg').read().split()[:3])} at the end"]

md = [f"Flow Desk vs an empty Tauri 2 app ({N} runs each; min / **median** / max; {time.strftime('%Y-%m-%d %H:%M')})", "",
      "| Measure | Flow Desk | Baseline / reference | Ratio | Goal | |", "|---|---|---|---|---|---|"]
md += ["| " + " | ".join(r) + " |" for r in rows]
md += [""] + [f"- {d}" for d in detail]
if "before" in samples:
    def med(key, field):
        v = [x[field] for x in samples[key] if x[field] is not None]
        return statistics.median(v) if v else None
    before_deb = os.path.getsize(env["BENCH_BEFORE_DEB"]) / 2**20 if env.get("BENCH_BEFORE_DEB") else None
    md += ["", f"Before ({env.get('BENCH_BEFORE_NAME', 'BENCH_BEFORE_BIN')}) and after, launched in the same rounds "
           f"(medians; ratio to the baseline in brackets)", "",
           "| Measure | Before | After | Baseline |", "|---|---|---|---|"]
    if before_deb:
        md.append(f"| .deb, MiB | {before_deb:.2f} ({before_deb / base_size:.2f}×) | {app_size:.2f} ({app_size / base_size:.2f}×) | {base_size:.2f} |")
    for label, field, fmt in (("Start to interactive, ms", "ready_ms", "{:.0f}"),
                              ("Web process CPU at ui-ready, ms", "web_cpu_ms_at_ready", "{:.0f}"),
                              ("Idle memory (PSS of the tree), MB", "pss_mb", "{:.0f}")):
        bv, av, basev = med("before", field), med("app", field), med("baseline", field)
        cell = lambda v: "n/a" if v is None or not basev else f"{fmt.format(v)} ({v / basev:.2f}×)"
        md.append(f"| {label} | {cell(bv)} | {cell(av)} | {fmt.format(basev) if basev else 'n/a'} |")
text = "\n".join(md) + "\n"
open(os.path.join(OUT, "results.md"), "w").write(text)
json.dump({"n": N, "settle_secs": SETTLE, "deb_bytes": {"app": os.path.getsize(env["BENCH_APP_DEB"]),
           "baseline": os.path.getsize(env["BENCH_BASE_DEB"])}, "launches": samples, "create_latency": creates,
           "bulk": bulks, "bulk_crash": crash, "watch": watch, "year": year, "cli": cli}, open(os.path.join(OUT, "results.json"), "w"), indent=1)
print(text)
PY
scripts/with-keyring.sh python3 "$scratch/bench.py"
echo "bench: written to target/bench/results.md and target/bench/results.json"
