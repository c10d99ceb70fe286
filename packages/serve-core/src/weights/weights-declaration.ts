import { z } from "zod";
import { ConfigError, type ConfigProblem, configProblems, shown } from "../config-error.js";

/**
 * One file a predictor needs: where to download it and its sha256. A local
 * copy (override or project folder) is found by `file`, else by the URL's
 * last path segment.
 *
 * @example
 * const model: WeightsFile = { url: "https://example.com/yolov5n.onnx", sha256: "01203d…", size: 3963249 };
 */
export interface WeightsFile {
  /** http(s) URL to download it from. */
  url: string;
  /** The file's SHA-256, 64 hex digits. */
  sha256: string;
  /** Size in bytes; when given, local copies of another size are refused. */
  size?: number;
  /** File name in the weights folders; default the URL's last path segment. */
  file?: string;
}

/**
 * A predictor's weights, by the name `ctx.weights.path(name)` takes.
 *
 * @example
 * const weights: WeightsDeclarations = { model: { url: "https://example.com/m.onnx", sha256: "…" } };
 */
export type WeightsDeclarations = Record<string, WeightsFile>;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const EXAMPLE_SHA = "01203d9e6d0b7d1c2e8f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9";

const weightsFileSchema = z.strictObject({
  url: z
    .string({ error: 'must be an http(s) URL, e.g. "https://example.com/model.onnx"' })
    .refine(isHttpUrl, {
      message: 'must be an http(s) URL, e.g. "https://example.com/model.onnx"',
    }),
  sha256: z
    .string({ error: `must be the file's sha256 as 64 hex digits, e.g. "${EXAMPLE_SHA}"` })
    .regex(/^[0-9a-fA-F]{64}$/, {
      message: `must be the file's sha256 as 64 hex digits, e.g. "${EXAMPLE_SHA}"`,
    })
    .transform((hex) => hex.toLowerCase()),
  size: z
    .number({ error: "must be the file's size in bytes, a positive integer, e.g. 3963249" })
    .int({ message: "must be the file's size in bytes, a positive integer, e.g. 3963249" })
    .positive({ message: "must be the file's size in bytes, a positive integer, e.g. 3963249" })
    .optional(),
  file: z
    .string({ error: 'must be a plain file name, e.g. "yolov5n.onnx"' })
    .refine(isPlainFileName, {
      message: 'must be a plain file name without slashes, e.g. "yolov5n.onnx"',
    })
    .optional(),
});

/**
 * The name a declared file has in the override and project folders: `file`,
 * else the URL's last path segment, decoded.
 *
 * @example
 * weightsFileName({ url: "https://example.com/v7.0/yolov5n.onnx?dl=1", sha256 }); // "yolov5n.onnx"
 */
export function weightsFileName(file: WeightsFile): string {
  if (file.file !== undefined) return file.file;
  const segments = new URL(file.url).pathname.split("/");
  const last = segments[segments.length - 1] ?? "";
  return decodeURIComponent(last);
}

/**
 * Checks a predictor's `weights` declarations: http(s) URLs, 64-hex sha256
 * (lower-cased), positive integer sizes, plain file names, names like
 * `model` or `coco.names`, no two entries with one file name. Throws a
 * {@link ConfigError} listing every problem.
 *
 * @example
 * const weights = checkWeightsDeclarations(predictor.weights ?? {}, predictor.name);
 */
export function checkWeightsDeclarations(
  declarations: unknown,
  predictorName: string,
): WeightsDeclarations {
  const source = `predictor "${predictorName}"`;
  if (typeof declarations !== "object" || declarations === null || Array.isArray(declarations)) {
    throw new ConfigError(
      [
        {
          path: "weights",
          message:
            'must be an object of named files, e.g. { model: { url: "https://…/model.onnx", sha256: "…" } }',
          received: shown(declarations),
        },
      ],
      { source },
    );
  }
  const problems: ConfigProblem[] = [];
  const checked: WeightsDeclarations = {};
  const byFileName = new Map<string, string>();
  for (const [name, entry] of Object.entries(declarations)) {
    if (!NAME.test(name)) {
      problems.push({
        path: `weights.${name}`,
        message:
          'name must start with a letter or digit and hold only letters, digits, ".", "_" and "-", e.g. "model"',
      });
      continue;
    }
    const parsed = weightsFileSchema.safeParse(entry, { reportInput: true });
    if (!parsed.success) {
      for (const problem of configProblems(parsed.error, () => ["url", "sha256", "size", "file"]))
        problems.push({
          ...problem,
          path: `weights.${name}${problem.path ? `.${problem.path}` : ""}`,
        });
      continue;
    }
    const file: WeightsFile = { url: parsed.data.url, sha256: parsed.data.sha256 };
    if (parsed.data.size !== undefined) file.size = parsed.data.size;
    if (parsed.data.file !== undefined) file.file = parsed.data.file;
    const fileName = weightsFileName(file);
    if (!isPlainFileName(fileName)) {
      problems.push({
        path: `weights.${name}.file`,
        message: `is needed: the URL does not end in a file name; add e.g. file: "${name}.bin"`,
      });
      continue;
    }
    const other = byFileName.get(fileName);
    if (other !== undefined) {
      problems.push({
        path: `weights.${name}`,
        message: `has the file name "${fileName}" of \`weights.${other}\`; give one of them another \`file\``,
      });
      continue;
    }
    byFileName.set(fileName, name);
    checked[name] = file;
  }
  if (problems.length > 0) throw new ConfigError(problems, { source });
  return checked;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function isPlainFileName(value: string): boolean {
  return (
    value !== "" && value !== "." && value !== ".." && !/[/\\]/.test(value) && !value.includes("\0")
  );
}
