import { usageError } from "../cli-error.js";

/** Docker's restart policies that suit a long-running server. */
export type ComposeRestartPolicy = "unless-stopped" | "always" | "on-failure";

/** The optional UI container: `serve-cli ui` in the same image, pointed at the backend. */
export interface ComposeUiSpec {
  /** Image that runs `serve-cli ui`. @default the backend's image */
  image?: string;
  /** Host port the UI is published on. @default 8080 */
  port?: number;
  /**
   * The backend URL the UI page uses. The *browser* sends the requests, not
   * the UI container, so this must be reachable from the browser: the
   * compose hostname (`http://<service>:<port>`) would not resolve there.
   * @default `http://localhost:<hostPort>`
   */
  apiUrl?: string;
}

/** What {@link generateCompose} writes: one backend service and, optionally, a UI service. */
export interface ComposeSpec {
  /** Compose service name (and hostname) of the backend, e.g. "yolov5"; the UI is `<service>-ui`. */
  service: string;
  /** Image of the predictor, e.g. "yolov5:latest". */
  image: string;
  /** Port the server listens on inside the container; set as `PORT`. */
  port: number;
  /** Port published on the host. @default port */
  hostPort?: number;
  /** Extra environment of the backend (`PORT` comes from `port`). @default {} */
  env?: Record<string, string>;
  /** Adds a UI container when set. @default undefined (no UI) */
  ui?: ComposeUiSpec;
  /** @default "unless-stopped" */
  restart?: ComposeRestartPolicy;
  /** Seconds between SIGTERM and SIGKILL: a bit longer than the server's 30 s shutdown grace. @default 35 */
  stopGracePeriodSeconds?: number;
  /** Seconds of failed health checks that do not count while the model loads its weights. @default 120 */
  startPeriodSeconds?: number;
}

/** A spec with every default filled in and every field checked. */
export interface ResolvedComposeSpec {
  service: string;
  image: string;
  port: number;
  hostPort: number;
  env: Record<string, string>;
  ui: Required<ComposeUiSpec> | undefined;
  restart: ComposeRestartPolicy;
  stopGracePeriodSeconds: number;
  startPeriodSeconds: number;
}

/** Port the UI listens on inside its container; the host port maps onto it. */
export const UI_CONTAINER_PORT = 8080;
const RESTART_POLICIES: readonly ComposeRestartPolicy[] = [
  "unless-stopped",
  "always",
  "on-failure",
];
const SERVICE_NAME = /^[a-z0-9][a-z0-9_.-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Fills in defaults and checks a spec; throws a usage error naming the field
 * and what would be right.
 */
export function resolveComposeSpec(spec: ComposeSpec): ResolvedComposeSpec {
  if (!SERVICE_NAME.test(spec.service)) {
    throw usageError(
      `service name must be lowercase letters, digits, '-', '_' or '.', starting with a letter or digit, e.g. "yolov5"; got "${spec.service}"`,
    );
  }
  checkImage(spec.image, "image");
  checkPort(spec.port, "port");
  const hostPort = spec.hostPort ?? spec.port;
  checkPort(hostPort, "hostPort");
  const env = spec.env ?? {};
  for (const name of Object.keys(env)) {
    if (name === "PORT") throw usageError("set PORT with `port` (--port), not in `env`");
    if (!ENV_NAME.test(name)) {
      throw usageError(
        `environment variable names are letters, digits and '_', not starting with a digit, e.g. MODEL_DIR; got "${name}"`,
      );
    }
  }
  const restart = spec.restart ?? "unless-stopped";
  if (!RESTART_POLICIES.includes(restart)) {
    throw usageError(`restart must be one of ${RESTART_POLICIES.join(", ")}; got "${restart}"`);
  }
  const stopGracePeriodSeconds = spec.stopGracePeriodSeconds ?? 35;
  checkSeconds(stopGracePeriodSeconds, "stopGracePeriodSeconds");
  const startPeriodSeconds = spec.startPeriodSeconds ?? 120;
  checkSeconds(startPeriodSeconds, "startPeriodSeconds");

  let ui: Required<ComposeUiSpec> | undefined;
  if (spec.ui) {
    ui = {
      image: spec.ui.image ?? spec.image,
      port: spec.ui.port ?? UI_CONTAINER_PORT,
      apiUrl: spec.ui.apiUrl ?? `http://localhost:${hostPort}`,
    };
    checkImage(ui.image, "ui.image");
    checkPort(ui.port, "ui.port");
    if (ui.port === hostPort) {
      throw usageError(
        `ui.port and hostPort are both ${hostPort}; publish the UI on another host port, e.g. 8080`,
      );
    }
    if (!/^https?:\/\/[^\s/]+/.test(ui.apiUrl) || !URL.canParse(ui.apiUrl)) {
      throw usageError(
        `ui.apiUrl must be an http(s) URL the browser can reach, e.g. http://localhost:${hostPort}; got "${ui.apiUrl}"`,
      );
    }
  }
  return {
    service: spec.service,
    image: spec.image,
    port: spec.port,
    hostPort,
    env,
    ui,
    restart,
    stopGracePeriodSeconds,
    startPeriodSeconds,
  };
}

/**
 * A valid compose service name derived from a predictor's name:
 * "YOLOv5 Detector" → "yolov5-detector".
 *
 * @example
 * composeServiceName("cli/echo"); // "cli-echo"
 */
export function composeServiceName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[^a-z0-9]+|-+$/g, "");
  return slug || "model";
}

function checkPort(port: number, field: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw usageError(`\`${field}\` must be 1–65535, got ${port}`);
  }
}

function checkImage(image: string, field: string): void {
  if (image.length === 0 || /[\s$]/.test(image)) {
    throw usageError(`\`${field}\` must be an image reference like yolov5:latest; got "${image}"`);
  }
}

function checkSeconds(seconds: number, field: string): void {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw usageError(`\`${field}\` must be a number of seconds ≥ 0, got ${seconds}`);
  }
}
