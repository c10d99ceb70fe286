import { collectDefaultMetrics, Registry } from "prom-client";

let shared: Registry | undefined;

/**
 * prom-client's default process and Node.js metrics (CPU, memory, event-loop
 * lag, GC, handles), in one registry per process. They describe the process,
 * not an app, and collecting them starts an event-loop monitor and a GC
 * observer that can't be stopped, so every app in a process shares these
 * rather than starting its own.
 */
export function processMetrics(): Registry {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}
