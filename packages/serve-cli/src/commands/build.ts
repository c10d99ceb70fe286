import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { usageError } from "../cli-error.js";
import { type BuildContext, prepareBuildContext } from "../container/build-context.js";
import { detectContainerTool } from "../container/detect-container-tool.js";
import { DEFAULT_BASE_IMAGE } from "../container/dockerfile.js";
import { gpuInstallProblem } from "../gpu-install-check.js";
import { type LoadedTarget, loadTarget } from "../load-target.js";
import { targetImageWeights } from "../weights/image-weights.js";
import { openApi } from "./openapi.js";

export interface BuildOptions {
  target?: string;
  /** Image name and tag. @default "<predictor name>:latest" */
  tag?: string;
  /** docker, podman or buildah. @default the first usable one */
  builder?: string;
  /** Where to write (and keep) the build context. @default a fresh folder under the OS temp dir, removed afterwards */
  contextDir?: string;
  baseImage?: string;
  gpu?: boolean;
  onOutput?: (line: string) => void;
}

export interface BuildResult {
  image: string;
  /** The base image both stages start from. */
  baseImage: string;
  /** Its content digest after the build, when the tool can tell. */
  baseImageDigest: string | undefined;
  builder: string;
  seconds: number;
  sizeBytes: number | undefined;
  context: BuildContext;
}

async function contextFor(
  loaded: LoadedTarget,
  options: BuildOptions & { pullWeights?: boolean },
  outDir: string,
): Promise<BuildContext> {
  const doc = await openApi({ target: loaded.file });
  // Declared weights go into the image's weights layer: `build` pulls missing ones, `dockerfile` only looks.
  const declaredWeights = await targetImageWeights({
    target: options.target,
    pull: options.pullWeights ?? false,
    onLine: options.onOutput,
  });
  return prepareBuildContext({
    declaredWeights,
    loaded,
    outDir,
    port: loaded.config.port ?? 8000,
    openapi: JSON.stringify(doc),
    ...(options.gpu ? { gpu: true } : {}),
    ...(options.baseImage ? { baseImage: options.baseImage } : {}),
  });
}

/**
 * Writes a pruned build context for a predictor and builds its image with
 * docker, podman or buildah.
 *
 * @example
 * const { image, seconds } = await buildImage({ target: "examples/yolov5", tag: "yolov5:dev" });
 */
export async function buildImage(options: BuildOptions): Promise<BuildResult> {
  const loaded = await loadTarget(options.target, undefined, { resolveWeights: true });
  // Said before the build starts: a CPU image built for --gpu only shows once deployed.
  const gpuProblem = options.gpu
    ? gpuInstallProblem(dirname(loaded.configFile ?? loaded.file))
    : undefined;
  if (gpuProblem) options.onOutput?.(`warning: ${gpuProblem}`);
  const image = options.tag ?? `${loaded.predictor.name}:latest`;
  if (!/^[a-z0-9][a-z0-9._\-/:]*$/.test(image)) {
    throw usageError(`-t must be a lowercase image name like "yolov5:1.0", got "${image}"`);
  }
  const tool = await detectContainerTool(options.builder);
  // A fresh directory per build (two builds at once must not share one); kept only when asked for.
  const contextDir =
    options.contextDir ?? mkdtempSync(join(tmpdir(), `servekit-build-${loaded.predictor.name}-`));
  try {
    const context = await contextFor(loaded, { ...options, pullWeights: true }, contextDir);
    const baseImage = context.spec.baseImage ?? DEFAULT_BASE_IMAGE;
    options.onOutput?.(
      `→ building ${image} with ${tool.name} on base image ${baseImage}` +
        (context.spec.baseImage
          ? ""
          : " (the default; --base-image or build.baseImage changes it)"),
    );
    const started = performance.now();
    await tool.build({
      contextDir: context.dir,
      dockerfile: context.dockerfile,
      tag: image,
      baseImage,
      ...(options.onOutput ? { onOutput: options.onOutput } : {}),
    });
    return {
      image,
      baseImage,
      baseImageDigest: await tool.imageDigest?.(baseImage),
      builder: tool.name,
      seconds: (performance.now() - started) / 1000,
      sizeBytes: await tool.imageSize(image),
      context,
    };
  } finally {
    if (!options.contextDir) rmSync(contextDir, { recursive: true, force: true });
  }
}

/** The Dockerfile `build` would use for a target, without building. */
export async function dockerfileFor(
  options: Pick<BuildOptions, "target" | "baseImage" | "gpu">,
): Promise<string> {
  const loaded = await loadTarget(options.target, undefined, { resolveWeights: true });
  const dir = mkdtempSync(join(tmpdir(), "servekit-dockerfile-"));
  try {
    return readFileSync((await contextFor(loaded, options, dir)).dockerfile, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? "size unknown" : `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** `serve-cli build` and `serve-cli dockerfile`. */
export function registerBuildCommands(program: Command): void {
  program
    .command("build")
    .description("Build a container image of a predictor (docker, podman or buildah)")
    .argument("[target]", "predictor file, file:export, or directory with serve.config.ts", ".")
    .option("-t, --tag <image>", "image name and tag (default: <predictor name>:latest)")
    .option("--builder <tool>", "docker, podman or buildah (default: the first usable)")
    .option("--context <dir>", "where to write the build context (default: under the temp dir)")
    .option(
      "--base-image <image>",
      `base image of both stages, e.g. a mirror's copy where Docker Hub cannot be reached (default ${DEFAULT_BASE_IMAGE})`,
    )
    .option(
      "--gpu",
      "keep onnxruntime-node's CUDA install step (use with a CUDA base image that has Node.js)",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ serve-cli build examples/yolov5 -t yolov5:1.0
  $ serve-cli build . -t registry.example.com/team/model:2 --builder buildah
  $ serve-cli build . --base-image registry.example.com/mirror/node:20-bookworm-slim
  $ serve-cli dockerfile examples/yolov5          # just print the Dockerfile`,
    )
    .action(
      async (
        target: string,
        flags: {
          tag?: string;
          builder?: string;
          context?: string;
          baseImage?: string;
          gpu?: boolean;
        },
      ) => {
        const result = await buildImage({
          target,
          ...(flags.tag ? { tag: flags.tag } : {}),
          ...(flags.builder ? { builder: flags.builder } : {}),
          ...(flags.context ? { contextDir: flags.context } : {}),
          ...(flags.baseImage ? { baseImage: flags.baseImage } : {}),
          ...(flags.gpu ? { gpu: true } : {}),
          onOutput: (line) => process.stderr.write(`${line}\n`),
        });
        process.stderr.write(
          `\nbuilt ${result.image} with ${result.builder} in ${result.seconds.toFixed(1)} s (${megabytes(result.sizeBytes)})\n` +
            `base image: ${result.baseImage}${result.baseImageDigest ? `@${result.baseImageDigest}` : " (digest unknown)"}\n` +
            `${flags.context ? `context kept in ${result.context.dir}; ` : ""}weights: ${result.context.weights.length} file(s)\n`,
        );
        process.stdout.write(`${result.image}\n`);
      },
    );

  program
    .command("dockerfile")
    .description("Print the Dockerfile `serve-cli build` would use")
    .argument("[target]", "predictor file, file:export, or directory with serve.config.ts", ".")
    .option("--base-image <image>", "base image of both stages")
    .option("--gpu", "the GPU variant")
    .action(async (target: string, flags: { baseImage?: string; gpu?: boolean }) => {
      process.stdout.write(await dockerfileFor({ target, ...flags }));
    });
}
