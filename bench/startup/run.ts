// Start-up bench of the YOLOv5 demo (issue 21: start to READY ≤ 1.5 s with two
// workers): time from process start to the first 200 on /health/ready, the
// RSS then, and where the time went, for three ways of starting it.
//   pnpm --filter @servekit/bench startup [--runs 5] [--modes compiled,tsx,code]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { round } from "../stats.js";
import { measureStart, type StartRun } from "./measure-start.js";
import { MODE_NAMES, type ModeName, type PreparedMode, prepareMode } from "./modes.js";
import { formatTable, summarise } from "./summary.js";

const READY_TIMEOUT_MS = 60_000;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "results", "latest.json");

const { values: flags } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    modes: { type: "string", default: MODE_NAMES.join(",") },
  },
});
const runsPerMode = Number(flags.runs);
if (!Number.isInteger(runsPerMode) || runsPerMode < 1) {
  throw new Error(`--runs must be a whole number ≥ 1, got ${flags.runs}`);
}
const modeNames = flags.modes.split(",").map((name) => {
  if (!(MODE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`--modes takes ${MODE_NAMES.join(", ")} (comma-separated), got ${name}`);
  }
  return name as ModeName;
});

const modes: PreparedMode[] = modeNames.map(prepareMode);
const runs = new Map<ModeName, StartRun[]>(modeNames.map((name) => [name, []]));

// Alternating order (A, B, C, A, B, C, …), so drift on the machine falls on every mode alike.
for (let round_ = 1; round_ <= runsPerMode; round_++) {
  for (const mode of modes) {
    if ("unavailable" in mode) continue;
    const run = await measureStart(mode.target, READY_TIMEOUT_MS);
    if (run.failure === undefined && mode.expectCompiledBuild !== undefined) {
      if (run.timeline.compiledBuild !== mode.expectCompiledBuild) {
        run.failure = mode.expectCompiledBuild
          ? `serve-cli ran the sources, not the compiled build (${run.timeline.notices.join("; ") || "it gave no reason"})`
          : "serve-cli ran the compiled build although SERVEKIT_NO_COMPILED_BUILD was set";
      }
    }
    runs.get(mode.name)!.push(run);
    console.log(runLine(mode.name, round_, run));
  }
}

const summaries = modes.map((mode) =>
  summarise(mode.name, runs.get(mode.name)!, "unavailable" in mode ? mode.unavailable : undefined),
);
console.log(`\n${formatTable(summaries)}`);

mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(
  RESULTS,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      cpu: cpuModel(),
      cores: cpus().length,
      runsPerMode,
      workers: 2,
      summaries,
      runs: Object.fromEntries(
        [...runs].map(([name, list]) => [
          name,
          list.map(({ output, ...run }) => (run.failure ? { ...run, output } : run)),
        ]),
      ),
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${RESULTS}`);
if (summaries.some((s) => s.failures > 0)) process.exitCode = 1;

function runLine(mode: ModeName, n: number, run: StartRun): string {
  const { timeline } = run;
  const workers = timeline.workerSetup
    .map((line) => `w${line.worker}@${Math.round(line.atMs)}`)
    .join(" ");
  const parts = [
    `${mode.padEnd(8)} #${n}`,
    run.readyMs === undefined ? "READY –" : `READY ${Math.round(run.readyMs)} ms`,
    run.rssMiB === undefined ? "" : `RSS ${round(run.rssMiB)} MiB`,
    timeline.servingMs === undefined ? "" : `listening @${Math.round(timeline.servingMs)}`,
    workers === "" ? "" : `setup ${workers}`,
    timeline.predictorReadyMs === undefined
      ? ""
      : `predictor ready @${Math.round(timeline.predictorReadyMs)}`,
    run.firstPredictionsMs === undefined
      ? ""
      : `first predictions +${Math.round(run.firstPredictionsMs)} ms`,
    run.stopMs === undefined ? "" : `stop ${Math.round(run.stopMs)} ms`,
    run.failure ? `FAILED: ${run.failure}` : "",
  ];
  return parts.filter((part) => part !== "").join("  ");
}

/** The CPU's model name from /proc/cpuinfo (os.cpus() where that is not readable). */
function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (match) return match[1]!.trim();
  } catch {
    // not Linux: fall through
  }
  return cpus()[0]?.model ?? "unknown";
}
