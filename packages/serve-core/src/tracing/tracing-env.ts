/** The OTLP/HTTP encodings servekit can send traces in. */
export type OtlpProtocol = "http/protobuf" | "http/json";

/** Which sampler a tracer provider uses, from `OTEL_TRACES_SAMPLER(_ARG)`. */
export type SamplerChoice =
  | "always_on"
  | "always_off"
  | "traceidratio"
  | "parentbased_always_on"
  | "parentbased_always_off"
  | "parentbased_traceidratio";

/** Everything tracing needs, read once from the `OTEL_*` environment. */
export interface TracingSettings {
  exporter: "otlp" | "console";
  protocol: OtlpProtocol;
  /** Full URL spans are POSTed to, e.g. `http://collector:4318/v1/traces`. */
  url: string;
  headers: Record<string, string>;
  timeoutMillis: number | undefined;
  sampler: SamplerChoice;
  /** The ratio for the `traceidratio` samplers, 0–1. */
  samplerRatio: number;
  /** `OTEL_PROPAGATORS` that servekit knows: `tracecontext`, `baggage`. */
  propagators: ("tracecontext" | "baggage")[];
  /** `OTEL_RESOURCE_ATTRIBUTES`, with `OTEL_SERVICE_NAME` as `service.name` when set. */
  resourceAttributes: Record<string, string>;
}

/** What {@link tracingSettingsFromEnv} found: settings when tracing is on, and what it ignored. */
export interface TracingEnvResult {
  settings: TracingSettings | undefined;
  /** Settings it could not honour, each saying what it did instead. */
  warnings: string[];
}

type Env = Record<string, string | undefined>;

const SAMPLERS: readonly SamplerChoice[] = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
];

/**
 * Reads the standard OpenTelemetry environment: tracing is on when
 * `OTEL_TRACES_EXPORTER` names `otlp` or `console`, or an OTLP endpoint is
 * set, unless `OTEL_SDK_DISABLED=true` or the exporter is `none`.
 *
 * @example
 * const { settings } = tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" });
 * settings?.url; // "http://127.0.0.1:4318/v1/traces"
 */
export function tracingSettingsFromEnv(env: Env = process.env): TracingEnvResult {
  const warnings: string[] = [];
  if (value(env, "OTEL_SDK_DISABLED")?.toLowerCase() === "true")
    return { settings: undefined, warnings };
  const exporter = chooseExporter(env, warnings);
  if (exporter === undefined) return { settings: undefined, warnings };
  return {
    settings: {
      exporter,
      protocol: chooseProtocol(env, warnings),
      url: tracesUrl(env),
      headers: {
        ...parseKeyValues(value(env, "OTEL_EXPORTER_OTLP_HEADERS")),
        ...parseKeyValues(value(env, "OTEL_EXPORTER_OTLP_TRACES_HEADERS")),
      },
      timeoutMillis: positiveNumber(
        value(env, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT") ?? value(env, "OTEL_EXPORTER_OTLP_TIMEOUT"),
      ),
      ...chooseSampler(env, warnings),
      propagators: choosePropagators(env, warnings),
      resourceAttributes: resourceAttributes(env),
    },
    warnings,
  };
}

function value(env: Env, name: string): string | undefined {
  const found = env[name]?.trim();
  return found === "" ? undefined : found;
}

function chooseExporter(env: Env, warnings: string[]): "otlp" | "console" | undefined {
  const listed = value(env, "OTEL_TRACES_EXPORTER");
  if (listed === undefined) {
    const endpoint =
      value(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ?? value(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
    return endpoint === undefined ? undefined : "otlp";
  }
  const names = listed.split(",").map((name) => name.trim().toLowerCase());
  if (names.includes("none")) return undefined;
  const known = names.find(
    (name): name is "otlp" | "console" => name === "otlp" || name === "console",
  );
  const unknown = names.filter((name) => name !== "otlp" && name !== "console");
  if (unknown.length > 0)
    warnings.push(
      `OTEL_TRACES_EXPORTER=${listed}: servekit exports traces with "otlp" or "console" only; ignoring ${unknown.join(", ")}`,
    );
  if (names.includes("otlp") && names.includes("console"))
    warnings.push(`OTEL_TRACES_EXPORTER=${listed}: servekit uses one exporter; using "${known}"`);
  return known;
}

function chooseProtocol(env: Env, warnings: string[]): OtlpProtocol {
  const name =
    value(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? value(env, "OTEL_EXPORTER_OTLP_PROTOCOL");
  if (name === undefined || name === "http/protobuf") return "http/protobuf";
  if (name === "http/json") return "http/json";
  warnings.push(
    `OTLP protocol "${name}" is not supported (servekit sends OTLP over HTTP); using http/protobuf — set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf or http/json and point the endpoint at the collector's HTTP port (4318)`,
  );
  return "http/protobuf";
}

/** The signal-specific endpoint as it is; the generic one with `/v1/traces` appended (as the spec says). */
function tracesUrl(env: Env): string {
  const own = value(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  if (own !== undefined) return own;
  const base = value(env, "OTEL_EXPORTER_OTLP_ENDPOINT") ?? "http://localhost:4318";
  return `${base.replace(/\/+$/, "")}/v1/traces`;
}

function chooseSampler(
  env: Env,
  warnings: string[],
): { sampler: SamplerChoice; samplerRatio: number } {
  const name = (value(env, "OTEL_TRACES_SAMPLER") ?? "parentbased_always_on").toLowerCase();
  const arg = value(env, "OTEL_TRACES_SAMPLER_ARG");
  let samplerRatio = 1;
  if (arg !== undefined) {
    const ratio = Number(arg);
    if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) samplerRatio = ratio;
    else warnings.push(`OTEL_TRACES_SAMPLER_ARG must be a ratio 0–1, got "${arg}"; using 1`);
  }
  if ((SAMPLERS as readonly string[]).includes(name))
    return { sampler: name as SamplerChoice, samplerRatio };
  warnings.push(
    `OTEL_TRACES_SAMPLER="${name}" is not one of ${SAMPLERS.join(", ")}; using parentbased_always_on`,
  );
  return { sampler: "parentbased_always_on", samplerRatio };
}

function choosePropagators(env: Env, warnings: string[]): ("tracecontext" | "baggage")[] {
  const listed = value(env, "OTEL_PROPAGATORS");
  if (listed === undefined) return ["tracecontext", "baggage"];
  const chosen: ("tracecontext" | "baggage")[] = [];
  for (const name of listed.split(",").map((n) => n.trim().toLowerCase())) {
    if (name === "tracecontext" || name === "baggage") chosen.push(name);
    else if (name !== "none")
      warnings.push(`OTEL_PROPAGATORS: "${name}" is not supported; use tracecontext, baggage`);
  }
  return chosen;
}

function resourceAttributes(env: Env): Record<string, string> {
  const attributes = parseKeyValues(value(env, "OTEL_RESOURCE_ATTRIBUTES"));
  const serviceName = value(env, "OTEL_SERVICE_NAME");
  if (serviceName !== undefined) attributes["service.name"] = serviceName;
  return attributes;
}

/** `key1=value1,key2=value2` (values percent-encoded), as OTEL_*_HEADERS and OTEL_RESOURCE_ATTRIBUTES are written. */
export function parseKeyValues(text: string | undefined): Record<string, string> {
  const found: Record<string, string> = {};
  for (const pair of (text ?? "").split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    const key = pair.slice(0, at).trim();
    const raw = pair.slice(at + 1).trim();
    try {
      found[key] = decodeURIComponent(raw);
    } catch {
      found[key] = raw;
    }
  }
  return found;
}

function positiveNumber(text: string | undefined): number | undefined {
  const n = Number(text);
  return text !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}
