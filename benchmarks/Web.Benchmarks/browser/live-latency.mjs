// Emission to pixels on the run page, in headless Chromium over the DevTools protocol, against a running dashboard
// (./scripts/start). A command run prints {"step": i, "emitted": <epoch ms>} every INTERVAL seconds; the page is hooked
// so that when a chart has drawn new points (the draw's promise, then the next animation frame) each new point's
// "emitted" value is compared with the clock: that is emission → stored → NOTIFY → circuit → plotly → frame.
// Prints a table (p50/p95/max ms, points) per run page watched. Beside it, the same page watches the run through the
// SignalR hub (/hubs/runs, the official browser client from tests/Clients): the first "metricsAppended" after each
// point's emission is when the LISTEN feed had it (emission → batch → COPY → NOTIFY → relay coalescing → WebSocket),
// so pixels minus hub is what the circuit adds (coalescing, series query, render diff, plotly draw, frame).
//   DASHBOARD_URL=http://127.0.0.1:5080 DASHBOARD_USER=admin DASHBOARD_PASSWORD=… DASHBOARD_TOKEN=dsh_… \
//   RUNS=1 STEPS=60 INTERVAL=0.25 node --experimental-websocket benchmarks/Web.Benchmarks/browser/live-latency.mjs
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
const base = (process.env.DASHBOARD_URL || "http://127.0.0.1:5080").replace(/\/$/, "");
const runs = Number(process.env.RUNS || 1), steps = Number(process.env.STEPS || 60), interval = process.env.INTERVAL || "0.25";
// Seconds each run waits before its first line, so the page is open and hooked when points start (a loaded machine
// may take that long to serve it); the start-up of the runs is then not part of what is measured.
const warmup = Number(process.env.WARMUP || 0);
// The runs' device: "cpu" (the dashboard's own workers run the command) or "cuda" (live-latency.sh LOADGEN=1: the load
// generator's stand-ins for remote GPU workers take them and report the same lines without running the command).
const device = process.env.DEVICE || "cpu";
// Points drawn later than this are listed with their step (LATE_MS, default 1000), to see where the tail comes from.
const lateMs = Number(process.env.LATE_MS || 1000);
const headers = { authorization: `Bearer ${process.env.DASHBOARD_TOKEN}`, "content-type": "application/json" };
const sleep = ms => new Promise(r => setTimeout(r, ms));
const port = 9400 + Math.floor(Math.random() * 400);
const chrome = spawn("/usr/bin/chromium", ["--headless", "--no-sandbox", `--remote-debugging-port=${port}`, "--window-size=1400,900", "about:blank"], { stdio: "ignore" });

async function page() {
    let targets;
    for (let i = 0; i < 100 && !targets; i++) { try { targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json(); } catch { await sleep(100); } }
    const ws = new WebSocket(targets.find(t => t.type === "page").webSocketDebuggerUrl);
    await new Promise(r => ws.onopen = r);
    let id = 0; const pending = new Map();
    ws.onmessage = m => { const msg = JSON.parse(m.data); pending.get(msg.id)?.(msg); pending.delete(msg.id); };
    const send = (method, params = {}) => new Promise(r => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
    const evaluate = async expression => (await send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true })).result.result.value;
    return { send, evaluate };
}

// Installed in the page: wraps dashboardCharts.render/extend, stamps each new "emitted" point when its frame is drawn.
const hook = `(() => {
  if (window.__latency) return "already";
  window.__latency = []; const seen = new Set(); const since = Date.now();
  const wrap = name => { const f = window.dashboardCharts[name]; window.dashboardCharts[name] = function (element, ...rest) {
    const drawn = f.call(this, element, ...rest);
    Promise.resolve(drawn).then(() => requestAnimationFrame(() => { const now = Date.now();
      for (const t of (element && element._dashboard ? element._dashboard.traces : [])) for (let i = 0; i < t.y.length; i++) {
        const y = t.y[i]; if (!(y > since) || seen.has(t.name + ":" + t.x[i])) continue;
        seen.add(t.name + ":" + t.x[i]); window.__latency.push(now - y); (window.__emitted = window.__emitted || []).push(y); window.__late = (window.__late || []).concat(now - y > ${lateMs} ? [[t.x[i], now - y, y]] : []); } }));
    return drawn; }; };
  wrap("render"); wrap("extend"); return "hooked"; })()`;

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN; };
try {
    const { send, evaluate } = await page();
    await send("Page.enable");
    await send("Page.navigate", { url: `${base}/signin` }); await sleep(1500);
    await evaluate(`(() => { const f = document.querySelector("form input[name=username]").form;
        f.querySelector("input[name=username]").value = ${JSON.stringify(process.env.DASHBOARD_USER || "admin")};
        f.querySelector("input[name=password]").value = ${JSON.stringify(process.env.DASHBOARD_PASSWORD || "")}; f.submit(); })()`);
    await sleep(2000);
    const command = `sleep ${warmup}; i=0; while [ $i -lt ${steps} ]; do echo "{\\"step\\": $i, \\"emitted\\": $(date +%s%3N)}"; sleep ${interval}; i=$((i+1)); done`;
    const created = await (await fetch(`${base}/api/experiments`, { method: "POST", headers, body: JSON.stringify({
        name: `live latency ${runs}`, family: "command", config: { command, total_steps: steps }, sweep: { seeds: runs }, device }) })).json();
    const runId = created.runs[0].id;
    await send("Page.navigate", { url: `${base}/runs/${runId}` });
    for (let i = 0; i < 100 && (await evaluate("typeof window.dashboardCharts")) !== "object"; i++) await sleep(100);
    console.error(await evaluate(hook));
    // The hub client in the same page (its cookie signs it in): stamps each "metricsAppended" of the run.
    await evaluate(readFileSync(new URL("../../../tests/Clients/node_modules/@microsoft/signalr/dist/browser/signalr.min.js", import.meta.url), "utf8"));
    console.error(await evaluate(`(async () => { window.__hub = [];
        const c = new signalR.HubConnectionBuilder().withUrl(location.origin + "/hubs/runs", { transport: signalR.HttpTransportType.WebSockets }).build();
        c.on("metricsAppended", e => { if (e.runId === ${runId}) window.__hub.push(Date.now()); });
        await c.start(); await c.invoke("Watch", ${runId}); window.__hubSince = Date.now(); return "hub watching"; })()`));
    for (let i = 0; i < 600; i++) {
        const run = await (await fetch(`${base}/api/runs/${runId}`, { headers })).json();
        if (["succeeded", "failed", "cancelled"].includes(run.state)) break;
        await sleep(500);
    }
    await sleep(1500);
    console.error("page:", await evaluate(`location.pathname + ": " + document.querySelectorAll(".js-plotly-plot").length + " charts, "
        + (window.__latency || []).length + " points stamped, " + (window.__hub || []).length + " hub events"`));
    const samples = await evaluate("window.__latency");
    // Each point drawn live, with its emission time, against the first hub event at or after that emission.
    const hubTimes = await evaluate("window.__hub");
    const emitted = await evaluate("(window.__emitted || []).filter(e => e > window.__hubSince)");
    const hub = emitted.map(e => (hubTimes.find(t => t >= e) ?? NaN) - e).filter(Number.isFinite);
    console.log(`| runs queued | points drawn | p50 ms | p95 ms | max ms | hub p50 ms | hub p95 ms |\n|---|---|---|---|---|---|---|`);
    // Each late point with the hub's time for it: a late hub means the point reached the web host late (worker, COPY,
    // NOTIFY, the machine); a prompt hub means the page's side (its coalescing, query, render, plotly) was slow.
    const late = (await evaluate("window.__late || []")).map(([step, ms, y]) => [step, ms, (hubTimes.find(t => t >= y) ?? NaN) - y]);
    console.error(`points later than ${lateMs} ms [step, ms, hub ms]:`, JSON.stringify(late));
    console.log(`| ${runs} | ${samples.length} | ${pct(samples, 0.5)} | ${pct(samples, 0.95)} | ${Math.max(...samples)} | ${pct(hub, 0.5)} | ${pct(hub, 0.95)} |`);
} finally { chrome.kill(); }
