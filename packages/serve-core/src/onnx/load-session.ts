import * as ort from "onnxruntime-node";
import { missingProviderLibrary } from "./provider-library.js";
import { type LoadSessionOptions, resolveSessionOptions } from "./session-options.js";

/** Name, element type and shape of one model input or output. */
export interface TensorInfo {
  name: string;
  /** Element type, e.g. `"float32"`; undefined for non-tensor values (sequences, maps). */
  type: ort.Tensor.Type | undefined;
  /**
   * Dimensions: numbers where fixed, symbolic names (e.g. `"batch"`) where dynamic.
   * Empty for scalars, for unknown shapes and with onnxruntime-node older than 1.21.
   */
  shape: readonly (number | string)[];
}

/** A created session with what a predictor needs to know about it. */
export interface LoadedSession {
  session: ort.InferenceSession;
  inputs: readonly TensorInfo[];
  outputs: readonly TensorInfo[];
  /** Providers the session was created with, e.g. `["cuda", "cpu"]`, or `["cpu"]` after a fallback. */
  executionProviders: readonly string[];
  /** The preferred provider in effect: `"cpu"` after a fallback. */
  executionProvider: string;
  /** Whether the session runs on other providers than requested (unknown or failed ones dropped, CPU fallback). */
  fellBack: boolean;
}

/**
 * Creates an onnxruntime-node session from a model path or bytes with serving
 * defaults (all graph optimisations, one intra-op thread per worker thread,
 * sequential execution) and reads its input/output metadata. If the requested
 * execution providers fail, falls back to the CPU.
 *
 * @example
 * const { session, inputs, executionProvider } = await loadSession("models/yolov5n.onnx", {
 *   executionProviders: ["cuda", "cpu"],
 *   log: ctx.log,
 * });
 * // inputs[0]: { name: "images", type: "float32", shape: [1, 3, 640, 640] }
 */
export async function loadSession(
  model: string | Uint8Array,
  options: LoadSessionOptions = {},
): Promise<LoadedSession> {
  const sessionOptions = resolveSessionOptions(options);
  const requested = (sessionOptions.executionProviders ?? ["cpu"]).map(providerName);
  // onnxruntime silently drops providers this build has never heard of (with a
  // console.warn of its own); drop them here so the report below stays true.
  const known = knownProviders();
  const usable = (sessionOptions.executionProviders ?? ["cpu"]).filter(
    (config) => known === undefined || known.has(providerName(config)),
  );
  if (usable.length < requested.length) {
    options.log?.warn(
      { executionProviders: requested, known: [...(known ?? [])] },
      `execution providers ${requested.filter((name) => !known?.has(name)).join(", ")} are not available in this onnxruntime-node build, ignoring them`,
    );
  }
  const installed = usable.filter((config) => {
    const missing = missingProviderLibrary(providerName(config));
    if (missing) {
      options.log?.warn(
        { executionProvider: providerName(config), missing },
        `execution provider ${providerName(config)} is not installed (no ${missing}), falling back to cpu`,
      );
    }
    return missing === undefined;
  });
  let session: ort.InferenceSession | undefined;
  let executionProviders: string[] = installed.map(providerName);
  if (installed.length > 0) {
    try {
      session = await create(model, { ...sessionOptions, executionProviders: installed });
    } catch (error) {
      if (executionProviders.every((name) => name === "cpu")) throw loadError(model, error);
      options.log?.warn(
        { executionProviders, err: error },
        `execution providers ${executionProviders.join(", ")} failed, falling back to cpu`,
      );
    }
  }
  if (session === undefined) {
    try {
      session = await create(model, { ...sessionOptions, executionProviders: ["cpu"] });
    } catch (error) {
      throw loadError(model, error);
    }
    executionProviders = ["cpu"];
  }
  return {
    session,
    inputs: describe(session.inputNames, session.inputMetadata),
    outputs: describe(session.outputNames, session.outputMetadata),
    executionProviders,
    executionProvider: executionProviders[0]!,
    fellBack: executionProviders.join() !== requested.join(),
  };
}

/** Provider names this onnxruntime-node build knows (bundled or loadable), if it can tell. */
function knownProviders(): Set<string> | undefined {
  const list = (ort as { listSupportedBackends?: () => { name: string }[] }).listSupportedBackends;
  return typeof list === "function" ? new Set(list().map((backend) => backend.name)) : undefined;
}

function create(
  model: string | Uint8Array,
  options: ort.InferenceSession.SessionOptions,
): Promise<ort.InferenceSession> {
  return typeof model === "string"
    ? ort.InferenceSession.create(model, options)
    : ort.InferenceSession.create(model, options);
}

function providerName(config: ort.InferenceSession.ExecutionProviderConfig): string {
  return typeof config === "string" ? config : config.name;
}

function loadError(model: string | Uint8Array, error: unknown): Error {
  const what = typeof model === "string" ? model : `a ${model.length}-byte model`;
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`could not load ONNX model ${what}: ${reason}`, { cause: error });
}

/** Metadata as {@link TensorInfo}; names alone where onnxruntime has no metadata (< 1.21). */
function describe(
  names: readonly string[],
  metadata: readonly ort.InferenceSession.ValueMetadata[] | undefined,
): TensorInfo[] {
  return names.map((name, i) => {
    const meta = metadata?.[i];
    if (meta === undefined || !meta.isTensor) return { name, type: undefined, shape: [] };
    return { name, type: meta.type, shape: [...meta.shape] };
  });
}
