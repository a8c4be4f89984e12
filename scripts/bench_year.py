"""Two steps of scripts/bench.sh (imported by its bench.py; see docs/benchmarks.md):

year(): a data folder after a year of use (`flowdesk-bench seed-year` at 5,000 and 50,000
  history entries) against an empty one, in one run: start to interactive and idle memory of
  the release app launched on a copy of each folder (interleaved), then History, its search
  by email, reference and id, and the audit log and its CSV, timed at the core through the
  app's command path (`flowdesk-bench year`).
cli(): the release `flowdesk create` as a whole process against a running local sandbox
  (`flowdesk sandbox`), interleaved with curl posting the same body; its phases come from
  FLOWDESK_TIMINGS=1. Also `flowdesk --version` (process start) and `flowdesk --help`.
"""
import json, os, shutil, statistics, subprocess, tempfile, time

SCALES = (0, 5000, 50000)
DATA = "com.flowdesk.desk"


def med(values):
    v = [x for x in values if x is not None]
    return statistics.median(v) if v else None


def year(env, launch, harness, log, n):
    scratch = env["BENCH_SCRATCH"]
    seeds = {0: None}
    for scale in SCALES[1:]:
        d = os.path.join(scratch, f"year-{scale}", DATA)
        r = harness("seed-year", d, str(scale))
        log(f"  seeded {scale}: {r['history']} history, {r['audit']} audit lines, {r['templates']} templates, "
            f"{r['batches']} batches, {r['flows']} flows, {r['deliveries']} deliveries in {r['seconds']:.1f} s")
        seeds[scale] = d
    launches = {s: [] for s in SCALES}
    log(f"  launches: {n} × (empty, 5k, 50k), each on its own copy of the folder")
    for i in range(n):
        for scale in SCALES:
            s = launch(env["BENCH_APP_BIN"], seed=seeds[scale])
            launches[scale].append(s)
            log(f"    {scale:>6} #{i + 1}: ready {s['ready_ms'] and round(s['ready_ms'])} ms, PSS {s['pss_mb']:.1f} MB")
    cores = {}
    for scale in SCALES:
        d = os.path.join(tempfile.mkdtemp(prefix="year-core.", dir=scratch), DATA)
        if seeds[scale]:
            shutil.copytree(seeds[scale], d)
        cores[scale] = harness("year", d, str(scale))
        m = cores[scale]["measures"]
        log(f"  core {scale:>6}: counts {cores[scale]['counts']}; " +
            ", ".join(f"{k} {v['median_ms']:.2f} ms" for k, v in m.items()))
        shutil.rmtree(os.path.dirname(d), ignore_errors=True)
    for scale in SCALES[1:]:
        shutil.rmtree(os.path.dirname(seeds[scale]), ignore_errors=True)
    return {"launches": launches, "core": {str(k): v for k, v in cores.items()}}


def year_rows(y, verdict):
    L, C = y["launches"], {int(k): v for k, v in y["core"].items()}
    ready = {s: med(x["ready_ms"] for x in L[s]) for s in SCALES}
    pss = {s: med(x["pss_mb"] for x in L[s]) for s in SCALES}
    rows = []

    def row(name, vals, fmt, goal, ok):
        cells = [fmt(vals[s]) if vals[s] is not None else "n/a" for s in SCALES]
        rows.append((name, f"{cells[2]} (5k: {cells[1]})", cells[0], goal, verdict(ok)))

    r50 = ready[50000] / ready[0] if ready[0] and ready[50000] else None
    row("A year of use: start to interactive, 50k folder (5k) vs empty, ms", ready, "{:.0f}".format,
        f"≤ 1.1× ({r50:.2f}×)" if r50 else "≤ 1.1×", r50 is not None and r50 <= 1.1)
    d50 = pss[50000] - pss[0] if pss[0] and pss[50000] else None
    row("A year of use: idle memory (PSS, tree), 50k folder (5k) vs empty, MB", pss, "{:.0f}".format,
        f"≤ +20 MB ({d50:+.0f})" if d50 is not None else "≤ +20 MB", d50 is not None and d50 <= 20)
    for key, label in (("history_open", "open History (first 200)"), ("search_email", "search History by email"),
                       ("search_reference", "search History by reference"), ("search_id", "search History by flow id")):
        v = {s: C[s]["measures"][key]["median_ms"] for s in SCALES}
        row(f"A year of use: {label}, core via the command, median ms", v, "{:.1f}".format, "≤ 50 ms", v[50000] <= 50)
    for key, label in (("audit_open", "open the audit log"), ("audit_csv", "export the audit log to CSV")):
        v = {s: C[s]["measures"][key]["median_ms"] for s in SCALES}
        row(f"A year of use: {label}, core via the command, median ms", v, "{:.0f}".format, "report", True)
    return [(r[0], r[1], r[2], "–", r[3], r[4] if r[3] != "report" else "–") for r in rows]


def _timed(cmd, env):
    t = time.monotonic()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ms = (time.monotonic() - t) * 1000
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({p.returncode}): {p.stderr.decode(errors='replace')[-500:]}")
    return ms, p


def cli(env, log, rounds=20, warmup=3):
    cli_bin = env["BENCH_CLI_BIN"]
    home = tempfile.mkdtemp(prefix="cli.", dir=env["BENCH_SCRATCH"])
    e = dict(env)
    for k in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        e[k] = os.path.join(home, k.lower())
        os.makedirs(e[k])
    e.pop("RUST_LOG", None)
    host = subprocess.Popen([cli_bin, "sandbox"], env=e, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = None
        while base is None:
            line = host.stdout.readline()
            if not line:
                raise RuntimeError("flowdesk sandbox exited before printing its base URL")
            if line.startswith("Dots sandbox base URL:"):
                base = line.split(":", 1)[1].strip()
        ep = json.load(open(os.path.join(e["XDG_DATA_HOME"], DATA, "sandbox.json")))
        body = json.dumps({"steps": [{"name": "compliance"}, {"name": "manage-payouts"}]})
        create = [cli_bin, "--env", "local", "create", "--step", "compliance", "--step", "manage-payouts"]
        curl = ["curl", "-sS", "--fail", "--noproxy", "*", "-o", "/dev/null", "-u", f"{ep['client_id']}:{ep['api_key']}",
                "-H", "content-type: application/json", "--data", body, f"{base}/v2/flows"]
        timed_env = dict(e, FLOWDESK_TIMINGS="1")
        s = {"create_ms": [], "curl_ms": [], "version_ms": [], "help_ms": [], "phases": {}}
        for i in range(warmup + rounds):
            keep = i >= warmup
            for name, cmd, ce in (("create_ms", create, timed_env), ("curl_ms", curl, e),
                                  ("version_ms", [cli_bin, "--version"], e), ("help_ms", [cli_bin, "--help"], e)):
                ms, p = _timed(cmd, ce)
                if not keep:
                    continue
                s[name].append(ms)
                if name == "create_ms":
                    for line in p.stderr.decode().splitlines():
                        if line.startswith("flowdesk-timing "):
                            _, phase, v = line.split()
                            s["phases"].setdefault(phase, []).append(float(v))
        n = len(json.load(open(os.path.join(e["XDG_DATA_HOME"], DATA, "sandbox-state.json")))["flows"])
        history = open(os.path.join(e["XDG_DATA_HOME"], DATA, "history.jsonl")).read().count("\n")
        s["flows_in_sandbox"], s["history_lines"] = n, history
        log(f"  CLI create {med(s['create_ms']):.1f} ms, curl {med(s['curl_ms']):.1f} ms, --version {med(s['version_ms']):.1f} ms, "
            f"--help {med(s['help_ms']):.1f} ms; phases " + ", ".join(f"{k} {med(v):.2f}" for k, v in s["phases"].items()))
        return s
    finally:
        host.terminate()
        host.wait(timeout=10)


def cli_rows(s, verdict):
    p = {k: med(v) for k, v in s["phases"].items()}
    start, curl, req = med(s["version_ms"]), med(s["curl_ms"]), p.get("request")
    ratio = (start + req) / curl if req is not None else None
    rows = [("CLI: process start (`flowdesk --version`) + the request, vs curl posting the same body, ms",
             f"{start:.1f} + {req:.1f} = **{start + req:.1f}**" if req is not None else "n/a", f"**{curl:.1f}**",
             f"{ratio:.2f}×" if ratio else "n/a", "≤ 2×", verdict(ratio is not None and ratio <= 2)),
            ("CLI: `flowdesk create` as a whole process (median), ms", f"**{med(s['create_ms']):.1f}**", f"{curl:.1f}",
             f"{med(s['create_ms']) / curl:.2f}×", "report", "–"),
            ("CLI: its parts (core start; request; History write; audit write; pending file), ms",
             "; ".join(f"{p.get(k, float('nan')):.2f}" for k in ("core_start", "request", "history_write", "audit_write", "pending_write")),
             "–", "–", "report", "–"),
            ("CLI: `flowdesk --help`, ms", f"**{med(s['help_ms']):.1f}**", "–", "–", "report", "–")]
    return rows
