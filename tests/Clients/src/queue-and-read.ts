// A script a team would write against the dashboard, typed by a client generated from its OpenAPI document
// (openapi-typescript → generated/api.d.ts; openapi-fetch). It queues a command run, waits for it and reads its
// loss series; it prints one JSON line with what it saw. Usage: DASHBOARD_URL=… DASHBOARD_TOKEN=… node dist/src/queue-and-read.js
import createClient from "openapi-fetch";
import type { components, paths } from "../generated/api.js";

type Run = components["schemas"]["RunDto"];

const baseUrl = process.env.DASHBOARD_URL ?? "http://127.0.0.1:5080";
const token = process.env.DASHBOARD_TOKEN ?? "";
const steps = Number(process.env.STEPS ?? "4");
const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

const command = `i=0; while [ $i -lt ${steps} ]; do echo "{\\"step\\": $i, \\"loss\\": $((100 - i))}"; i=$((i+1)); done`;
const created = await api.POST("/api/experiments", {
  body: { family: "command", name: "generated client", config: { command, total_steps: steps }, schedule: "now", device: "cpu" },
});
if (created.error !== undefined) throw new Error(`POST /api/experiments answered ${created.response.status}: ${JSON.stringify(created.error)}`);
const runId: number = created.data.runs[0]!.id;

const finished = ["succeeded", "failed", "cancelled"];
let run: Run | undefined;
for (const started = Date.now(); Date.now() - started < 120_000; await new Promise((r) => setTimeout(r, 250))) {
  const read = await api.GET("/api/runs/{id}", { params: { path: { id: runId } } });
  if (read.error !== undefined) throw new Error(`GET /api/runs/${runId} answered ${read.response.status}: ${read.error.detail ?? ""}`);
  run = read.data;
  if (finished.includes(run.state)) break;
}
if (run === undefined || run.state !== "succeeded") throw new Error(`run ${runId} ended ${run?.state}: ${run?.failure_reason ?? ""}`);

const series = await api.GET("/api/runs/{id}/metrics/series", { params: { path: { id: runId }, query: { key: "loss", maxPoints: 100 } } });
if (series.error !== undefined) throw new Error(`series answered ${series.response.status}`);
const values: number[] = series.data.points.map((p) => (typeof p.value === "number" ? p.value : Number.NaN));
console.log(JSON.stringify({ runId, state: run.state, step: run.step, totalSteps: run.total_steps, steps: series.data.points.map((p) => p.step), values }));
