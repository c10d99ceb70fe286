// Memory of several versions in one server, side by side in one run: RSS of
// the YOLOv5 example served as one version and as two (fp32 + fp16), with 1
// and 2 workers per version, after the same predictions (20 on /predict,
// 10 more on the second version when there is one).
//
//   pnpm --filter @servekit/bench models-memory
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sharedPath, spawnServer, waitForReady } from "@servekit/test-kit";

const image = readFileSync(sharedPath("images", "bus.jpg"));
const serverScript = fileURLToPath(new URL("./server.ts", import.meta.url));

async function predict(url: string, path: string): Promise<void> {
  const form = new FormData();
  form.set("image", new Blob([image], { type: "image/jpeg" }), "bus.jpg");
  const res = await fetch(`${url}${path}`, { method: "POST", body: form });
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
  await res.arrayBuffer();
}

/** RSS in MiB of a served configuration after its predictions. */
async function measure(served: "one" | "versions", workers: number): Promise<number> {
  const server = await spawnServer(
    ["--initial-old-space-size=64", "--import", "tsx", serverScript],
    { SERVED: served, WORKERS: String(workers) },
    60_000,
  );
  try {
    await waitForReady(server.url, { child: server.child, timeoutMs: 120_000 });
    for (let i = 0; i < 20; i++) await predict(server.url, "/predict");
    if (served === "versions")
      for (let i = 0; i < 10; i++)
        await predict(server.url, "/models/yolov5/versions/fp16/predict");
    const status = readFileSync(`/proc/${server.child.pid}/status`, "utf8");
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
  }
}

const rows: string[] = [];
for (const workers of [1, 2]) {
  for (const served of ["one", "versions"] as const) {
    const rss = await measure(served, workers);
    const what =
      served === "one" ? "`predictor` (one version, both weights files)" : "`fp32` + `fp16`";
    console.error(`${served} × ${workers} workers: ${rss} MiB`);
    rows.push(`| ${what} | ${workers} | ${rss} MiB |`);
  }
}
console.log(
  `YOLOv5 example, RSS after the same predictions, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}:\n\n| served | workers per version | RSS |\n|---|---|---|\n${rows.join("\n")}`,
);
