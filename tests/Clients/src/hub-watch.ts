// The official SignalR client in Node, as a team's own tool would follow a run: it connects to /hubs/runs over
// WebSockets with a token, watches a run and prints one JSON line with the events that arrived until the run ended.
// Usage: DASHBOARD_URL=… DASHBOARD_TOKEN=… RUN_ID=… node dist/src/hub-watch.js
import { HttpTransportType, HubConnectionBuilder, LogLevel } from "@microsoft/signalr";

interface RunChanged { runId: number; state: string; step: number | null }

const baseUrl = process.env.DASHBOARD_URL ?? "http://127.0.0.1:5080";
const token = process.env.DASHBOARD_TOKEN ?? "";
const runId = Number(process.env.RUN_ID);

const hub = new HubConnectionBuilder()
  .withUrl(`${baseUrl}/hubs/runs`, { accessTokenFactory: () => token, transport: HttpTransportType.WebSockets })
  .configureLogging(LogLevel.Warning)
  .build();
const appended: number[] = [];
const changed: RunChanged[] = [];
const ended = new Promise<void>((resolve) => {
  hub.on("metricsAppended", (e: { runId: number }) => appended.push(e.runId));
  hub.on("runChanged", (e: RunChanged) => {
    changed.push(e);
    if (["succeeded", "failed", "cancelled"].includes(e.state)) resolve();
  });
});
await hub.start();
const current = await hub.invoke<RunChanged>("Watch", runId);
let refused = "";
try {
  await hub.invoke<RunChanged>("Watch", 987654321);
} catch (e) {
  refused = e instanceof Error ? e.message : String(e);
}
if (!["succeeded", "failed", "cancelled"].includes(current.state)) {
  // Made only when waited on, and cleared: a pending timer would keep Node alive and reject after the output.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error("the run did not end within 60 s")), 60_000);
  });
  try {
    await Promise.race([ended, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
const transport = (hub as unknown as { connection: { transport: { constructor: { name: string } } } }).connection.transport.constructor.name;
await hub.stop();
console.log(JSON.stringify({ transport, current, appended: appended.length, changed, refused }));
