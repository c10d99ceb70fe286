// Bench 2, linear: the course's ride-duration web service. servekit runs the
// ONNX export with onnxruntime-node (defaults, and optionally with one
// documented serve() option); the peer is Flask under gunicorn, one sync
// worker per core, with the scikit-learn pickle of the same model.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { spawnServer, stopServer } from "../spawn-server.js";
import { type BenchResult, benchResult } from "./bench-result.js";
import { track } from "./children.js";
import type { BenchSettings } from "./echo-bench.js";
import { FEATURES } from "./features.js";
import { cacheDir, here, logFile } from "./paths.js";
import { gunicornPath, PYTHON } from "./python-peers.js";
import { startPythonServer } from "./python-server.js";
import { alternatingRounds, type Contender } from "./rounds.js";
import { type Sample, verifyLinear } from "./verify.js";

/** What train_linear.py writes to meta.json. */
interface Meta {
  features: string[];
  samples: Sample[];
  versions: Record<string, string>;
}

/** Trains the model with a fixed seed and writes model.pkl, model.onnx and meta.json to .cache/. */
function train(): Meta {
  mkdirSync(cacheDir, { recursive: true });
  process.stdout.write(`training the linear model (${PYTHON} train_linear.py) into ${cacheDir}\n`);
  execFileSync(PYTHON, ["train_linear.py", cacheDir, JSON.stringify(FEATURES)], {
    cwd: here,
    stdio: ["ignore", "inherit", "inherit"],
  });
  return JSON.parse(readFileSync(`${cacheDir}meta.json`, "utf8")) as Meta;
}

/**
 * Trains the model, starts servekit (defaults, and with `servekitOption`
 * when given) and Flask + gunicorn, checks each matches scikit-learn's
 * predictions, measures them in alternating rounds and stops them.
 *
 * @example
 * const linear = await linearBench({ rounds: 5, seconds: 5, concurrency: 64 }, { maxConcurrency: 64 });
 */
export async function linearBench(
  settings: BenchSettings,
  servekitOption: Record<string, unknown> | undefined,
): Promise<BenchResult> {
  const meta = train();
  const gunicorn = gunicornPath();
  if (!gunicorn) throw new Error("gunicorn is not on PATH; install the Debian package gunicorn");
  const cores = availableParallelism();
  const gunicornArgs = ["-w", String(cores), "--worker-class", "sync", "flask_linear:app"];
  const script = `${here}linear-servekit.ts`;
  const env = { ...process.env, MODEL_DIR: cacheDir };
  const servekit = (name: string, options: Record<string, unknown> | undefined) =>
    spawnServer({
      script,
      env: options ? { ...env, SERVEKIT_OPTIONS: JSON.stringify(options) } : env,
      onSpawn: track,
      logFile: logFile(`linear-${name}`),
    }).then((server) => ({ name, ...server }));
  const servers = [await servekit("servekit", undefined)];
  if (servekitOption) servers.push(await servekit("servekit+option", servekitOption));
  const flask = await startPythonServer({
    command: gunicorn,
    args: (port) => [...gunicornArgs, "-b", `127.0.0.1:${port}`],
    cwd: here,
    env: { MODEL_DIR: cacheDir },
    onSpawn: track,
    logFile: logFile("linear-flask"),
  });
  servers.push({ name: "flask", ...flask });
  try {
    const contenders: Contender[] = servers.map(({ name, url }) => ({
      name,
      url: `${url}/predict`,
    }));
    await verifyLinear(contenders, meta.samples);
    const body = Buffer.from(JSON.stringify(meta.samples[0]!.input));
    const perRound = await alternatingRounds({ ...settings, contenders, body });
    const onnx = "ONNX (MatMul + Add) via loadSession from @servekit/core/onnx, 1×8 float32";
    return benchResult(
      perRound,
      {
        servekit: `${onnx}; serve() defaults`,
        "servekit+option": `${onnx}; serve() defaults + ${JSON.stringify(servekitOption)}`,
        flask: `${gunicorn} ${gunicornArgs.join(" ")} (Flask, sklearn LinearRegression pickle, ${PYTHON})`,
      },
      { features: meta.features, gunicornWorkers: cores, servekitOption, trained: meta.versions },
    );
  } finally {
    await Promise.all(servers.map((server) => stopServer(server.child)));
  }
}
