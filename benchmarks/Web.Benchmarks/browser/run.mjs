// Opens charts-50-runs.html in headless Chromium over the DevTools protocol and prints its timings.
//   node --experimental-websocket benchmarks/Web.Benchmarks/browser/run.mjs ["?points=1000&gl=1"]
import { spawn } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
const page = pathToFileURL(fileURLToPath(new URL("charts-50-runs.html", import.meta.url))).href + (process.argv[2] || "");
const port = 9400 + Math.floor(Math.random() * 400);
const chrome = spawn("/usr/bin/chromium", ["--headless", "--no-sandbox", "--allow-file-access-from-files", `--remote-debugging-port=${port}`, "--window-size=1400,900", "about:blank"], { stdio: "ignore" });
const sleep = ms => new Promise(r => setTimeout(r, ms));
try {
    let targets;
    for (let i = 0; i < 100 && !targets; i++) { try { targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json(); } catch { await sleep(100); } }
    const ws = new WebSocket(targets.find(t => t.type === "page").webSocketDebuggerUrl);
    await new Promise(r => ws.onopen = r);
    let id = 0; const pending = new Map();
    ws.onmessage = m => { const msg = JSON.parse(m.data); pending.get(msg.id)?.(msg); pending.delete(msg.id); };
    const send = (method, params = {}) => new Promise(r => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
    await send("Page.navigate", { url: page });
    for (let i = 0; i < 300; i++) {
        const r = await send("Runtime.evaluate", { expression: "JSON.stringify(window.result || null)", returnByValue: true });
        const value = JSON.parse(r.result.result.value);
        if (value) { console.log(JSON.stringify(value)); break; }
        await sleep(200);
    }
} finally { chrome.kill(); }
