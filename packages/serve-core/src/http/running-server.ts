import type { ModelRegistry } from "../runtime/models/model-registry.js";
import type { ServekitApp } from "./app.js";

/** A predictor, or several models and versions, being served over HTTP. */
export interface RunningServer {
  app: ServekitApp;
  /** The models and versions served: traffic, `add`, `retire` while serving. */
  models: ModelRegistry;
  /** Base URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  port: number;
  /** Resolves when setup has finished (successfully or not). */
  ready: Promise<void>;
  /**
   * Graceful stop: answers new predictions 503 DRAINING (the listener stays
   * open), waits for running and queued ones and then pending webhook
   * deliveries (together up to `shutdownGraceMs`), answers what is still
   * running or queued 503 DRAINING with Retry-After, stops workers, and
   * closes the listener and its connections.
   */
  close(): Promise<void>;
}
