import type { ServekitApp } from "./http/app.js";
import type { RunningServer } from "./http/running-server.js";
import type { ModelRegistry } from "./runtime/models/model-registry.js";

/**
 * What `serve()` returns where it serves nothing (inside a pool worker, or
 * taken over by `serve-cli run`): ready at once, closing does nothing, and
 * its app and models say why they are not there.
 *
 * @example
 * if (inPoolWorker()) return inertServer("serve() inside a pool worker serves nothing");
 */
export function inertServer(why: string): RunningServer {
  return {
    get app(): ServekitApp {
      throw new Error(why);
    },
    get models(): ModelRegistry {
      throw new Error(why);
    },
    url: "",
    port: 0,
    ready: Promise.resolve(),
    close: async () => {},
  };
}
