import { Agent } from "node:http";
import { postJson } from "./post-json.js";
import { median, round } from "./stats.js";

export interface ClosedLoopOptions {
  /** Full URL to POST to, e.g. http://127.0.0.1:8000/predict. */
  url: string;
  /** The pre-encoded JSON body every request sends. */
  body: Buffer;
  concurrency: number;
  /** Measured seconds (after the warm-up). */
  seconds: number;
  /** Seconds of load before measuring. @default 2 */
  warmUpSeconds?: number;
}

/**
 * Closed-loop load: `concurrency` clients each sending the next request as
 * soon as the last returns. Returns req/s, p50 latency and non-200 count.
 */
export async function closedLoop(
  options: ClosedLoopOptions,
): Promise<{ reqPerSec: number; p50Ms: number; errors: number }> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const run = async (durationS: number, record: boolean) => {
    const end = performance.now() + durationS * 1000;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < end) {
          const t = performance.now();
          const { status } = await postJson(agent, target, options.body);
          if (status !== 200) errors++;
          else if (record) latencies.push(performance.now() - t);
        }
      }),
    );
  };
  await run(options.warmUpSeconds ?? 2, false);
  const start = performance.now();
  await run(options.seconds, true);
  const reqPerSec = latencies.length / ((performance.now() - start) / 1000);
  agent.destroy();
  return { reqPerSec: round(reqPerSec), p50Ms: round(median(latencies)), errors };
}
