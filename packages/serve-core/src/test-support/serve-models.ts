// Serves model-versions on 127.0.0.1 for the multi-model tests, and stops
// them after each test.
import { afterEach } from "vitest";
import type { ModelEntry, RunningServer, ServeOptions } from "../index.js";
import { serve } from "../serve.js";

/**
 * A `start(entries, options)` that serves on a free loopback port (quiet,
 * no signal handlers) and waits for setup; every server it started is
 * closed after each test.
 */
export function modelServers(defaults: ServeOptions = {}) {
  const running: RunningServer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });
  return async function start(entries: ModelEntry[], options: ServeOptions = {}) {
    const server = await serve(entries, {
      host: "127.0.0.1",
      port: 0,
      handleSignals: false,
      logLevel: "silent",
      ...defaults,
      ...options,
    });
    running.push(server);
    await server.ready;
    return server;
  };
}
