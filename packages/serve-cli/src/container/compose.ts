import { Document, isMap, isScalar, isSeq, type Node, Scalar, type YAMLMap } from "yaml";
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
const UI_CONTAINER_PORT = 8080;
/** Where the image's WORKDIR holds serve-cli (the image runs the server through it too). */
const SERVE_CLI_IN_IMAGE = "node_modules/@servekit/cli/bin/serve-cli.js";
const RESTART_POLICIES: readonly ComposeRestartPolicy[] = [
  "unless-stopped",
  "always",
  "on-failure",
];
const SERVICE_NAME = /^[a-z0-9][a-z0-9_.-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The readiness probe run inside the container. Node, not curl: every
 * servekit image has Node, not every one has curl. It reads `PORT` from the
 * container's environment, so compose never interpolates it.
 */
const HEALTH_PROBE =
  "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready',{signal:AbortSignal.timeout(4000)})" +
  ".then(r=>process.exit(r.ok?0:1),()=>process.exit(1))";

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
 * A `docker-compose.yml` for a predictor image: the backend API with a
 * readiness healthcheck and a graceful stop, and optionally the playground UI
 * as a second container that starts once the backend is healthy.
 *
 * @example
 * const yaml = generateCompose({ service: "yolov5", image: "yolov5:latest", port: 8000, ui: {} });
 * await writeFile("docker-compose.yml", yaml);
 */
export function generateCompose(spec: ComposeSpec): string {
  const s = resolveComposeSpec(spec);
  const uiService = `${s.service}-ui`;
  // Both names the page is commonly opened by (serve-cli ui prints the 127.0.0.1 one).
  const uiOrigins = s.ui && `http://localhost:${s.ui.port},http://127.0.0.1:${s.ui.port}`;

  const backend = {
    image: s.image,
    ports: [`${s.hostPort}:${s.port}`],
    environment: {
      PORT: String(s.port),
      ...(uiOrigins && { SERVEKIT_CORS_ORIGIN: uiOrigins }),
      ...mapValues(s.env, escapeInterpolation),
    },
    healthcheck: {
      test: ["CMD", "node", "-e", HEALTH_PROBE],
      interval: "10s",
      timeout: "5s",
      retries: 3,
      start_period: `${s.startPeriodSeconds}s`,
    },
    restart: s.restart,
    stop_signal: "SIGTERM",
    stop_grace_period: `${s.stopGracePeriodSeconds}s`,
  };
  const services: Record<string, unknown> = { [s.service]: backend };
  if (s.ui) {
    services[uiService] = {
      image: s.ui.image,
      command: [
        "node",
        SERVE_CLI_IN_IMAGE,
        "ui",
        "--url",
        escapeInterpolation(s.ui.apiUrl),
        "--port",
        String(UI_CONTAINER_PORT),
      ],
      ports: [`${s.ui.port}:${UI_CONTAINER_PORT}`],
      depends_on: { [s.service]: { condition: "service_healthy" } },
      restart: s.restart,
    };
  }

  const doc = new Document({ services });
  doc.commentBefore = [
    ` Generated by \`serve-cli compose\` for ${s.image}.`,
    "   docker compose up -d     start it",
    `   docker compose ps        ${s.service} turns (healthy) once the model has loaded`,
    "   docker compose down      stop: SIGTERM, then in-flight predictions finish",
  ].join("\n");

  const backendNode = mapAt(doc, ["services", s.service]);
  quoteItems(doc, ["services", s.service, "ports"]);
  flowSeq(doc, ["services", s.service, "healthcheck", "test"]);
  commentKey(
    backendNode,
    "healthcheck",
    " Ready (200 from /health/ready) once setup has loaded the weights; start_period\n gives it that long before failures count.",
  );
  commentKey(
    backendNode,
    "stop_grace_period",
    " On SIGTERM the server finishes running predictions (up to its shutdownGraceMs,\n 30 s by default), so docker waits a little longer before it sends SIGKILL.",
  );
  if (s.ui) {
    commentKey(
      mapAt(doc, ["services", s.service, "environment"]),
      "SERVEKIT_CORS_ORIGIN",
      " The UI page, served from another origin, calls this API from the browser:\n allow that origin (comma-separated list).",
    );
    quoteItems(doc, ["services", uiService, "ports"]);
    flowSeq(doc, ["services", uiService, "command"]);
    commentKey(
      mapAt(doc, ["services", uiService]),
      "command",
      ` --url is used by the browser, not by this container, so it must be an address\n the browser reaches (the published port), not http://${s.service}:${s.port}.`,
    );
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
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

/** Compose substitutes `${VAR}` and `$VAR` in values; `$$` is a literal `$`. */
function escapeInterpolation(value: string): string {
  return value.replaceAll("$", "$$$$");
}

function mapValues(
  record: Record<string, string>,
  fn: (value: string) => string,
): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}

function mapAt(doc: Document, path: string[]): YAMLMap {
  const node = doc.getIn(path, true);
  if (!isMap(node)) throw new Error(`internal: no map at ${path.join(".")}`);
  return node;
}

/** Compose files conventionally quote "HOST:CONTAINER" (YAML 1.1 reads 80:80 as base 60). */
function quoteItems(doc: Document, path: string[]): void {
  const node = doc.getIn(path, true);
  if (!isSeq(node)) return;
  for (const item of node.items) if (isScalar(item)) item.type = Scalar.QUOTE_DOUBLE;
}

/** Argument lists read best on one line, as JSON: `["node", "-e", "…"]`. */
function flowSeq(doc: Document, path: string[]): void {
  const node = doc.getIn(path, true) as Node | undefined;
  if (!isSeq(node)) return;
  node.flow = true;
  for (const item of node.items) if (isScalar(item)) item.type = Scalar.QUOTE_DOUBLE;
}

function commentKey(map: YAMLMap, key: string, comment: string): void {
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
  if (pair && isScalar(pair.key)) pair.key.commentBefore = comment;
}
