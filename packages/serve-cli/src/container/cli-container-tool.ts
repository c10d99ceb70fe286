import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { CliError } from "../cli-error.js";
import { explainBuildFailure } from "./build-failure.js";
import type { BuildImageOptions, ContainerTool, ContainerToolName } from "./container-tool.js";

/** Runs a program, streaming its output lines; resolves with its exit code and stdout. */
export function runProgram(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; onOutput?: (line: string) => void } = {},
): Promise<{ code: number; stdout: string }> {
  const [program, ...args] = argv as [string, ...string[]];
  const child = spawn(program, args, {
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk;
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => options.onOutput?.(line));
  }
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout }));
  });
}

/**
 * docker, podman or buildah driven through their command lines (their build,
 * tag and push commands take the same shape). buildah runs with chroot
 * isolation and the host network unless BUILDAH_ISOLATION says otherwise,
 * which is what works without a container runtime.
 */
export class CliContainerTool implements ContainerTool {
  constructor(readonly name: ContainerToolName) {}

  async build(options: BuildImageOptions): Promise<void> {
    // Docker format keeps HEALTHCHECK and STOPSIGNAL, which the OCI format drops.
    const extra = this.name === "buildah" ? ["--network", "host", "--format", "docker"] : [];
    const env =
      this.name === "buildah"
        ? { ...process.env, BUILDAH_ISOLATION: process.env.BUILDAH_ISOLATION ?? "chroot" }
        : process.env;
    const argv = [
      this.name,
      "build",
      ...extra,
      "-f",
      options.dockerfile,
      "-t",
      options.tag,
      options.contextDir,
    ];
    const output = lastLines(40);
    const { code } = await runProgram(argv, {
      env,
      onOutput: (line) => {
        output.push(line);
        options.onOutput?.(line);
      },
    });
    if (code !== 0) {
      throw new CliError(
        explainBuildFailure({
          argv,
          exitCode: code,
          output: output.lines,
          streamed: Boolean(options.onOutput),
          ...(options.baseImage ? { baseImage: options.baseImage } : {}),
        }),
      );
    }
  }

  async tag(source: string, target: string): Promise<void> {
    await this.must(this.commandLine("tag", source, target), `tag ${source} as ${target}`);
  }

  async push(image: string, onOutput?: (line: string) => void): Promise<void> {
    await this.must(this.commandLine("push", image), `push ${image}`, onOutput ? { onOutput } : {});
  }

  async imageDigest(image: string): Promise<string | undefined> {
    const argv =
      this.name === "buildah"
        ? ["buildah", "inspect", "--type", "image", "--format", "{{.FromImageDigest}}", image]
        : [this.name, "image", "inspect", "--format", '{{join .RepoDigests " "}} {{.Id}}', image];
    const { code, stdout } = await runProgram(argv).catch(() => ({ code: 1, stdout: "" }));
    if (code !== 0) return undefined;
    // A pulled image's registry digest ("node@sha256:…") when it has one, else its local id.
    return /sha256:[0-9a-f]{64}/.exec(stdout)?.[0];
  }

  async imageSize(image: string): Promise<number | undefined> {
    if (this.name === "buildah") {
      // buildah reports no total; its manifest lists every layer's size.
      const { code, stdout } = await runProgram([
        "buildah",
        "inspect",
        "--type",
        "image",
        image,
      ]).catch(() => ({ code: 1, stdout: "" }));
      if (code !== 0) return undefined;
      const manifest = JSON.parse(JSON.parse(stdout).Manifest ?? "{}") as {
        layers?: { size?: number }[];
      };
      const total = (manifest.layers ?? []).reduce((sum, layer) => sum + (layer.size ?? 0), 0);
      return total > 0 ? total : undefined;
    }
    const { code, stdout } = await runProgram([
      this.name,
      "image",
      "inspect",
      "--format",
      "{{.Size}}",
      image,
    ]).catch(() => ({
      code: 1,
      stdout: "",
    }));
    const size = Number(stdout.trim());
    return code === 0 && size > 0 ? size : undefined;
  }

  commandLine(action: "tag" | "push", ...args: string[]): string[] {
    return [this.name, action, ...args];
  }

  private async must(
    argv: string[],
    what: string,
    options: Parameters<typeof runProgram>[1] = {},
  ): Promise<void> {
    const output = lastLines(15);
    const { code } = await runProgram(argv, {
      ...options,
      onOutput: (line) => {
        output.push(line);
        options.onOutput?.(line);
      },
    });
    if (code !== 0) {
      // Streamed output was shown already: the error does not repeat it.
      const tail = options.onOutput ? "" : `\n${output.lines.join("\n")}`;
      throw new CliError(`could not ${what}: \`${argv.join(" ")}\` exited with ${code}${tail}`);
    }
  }
}

/** Keeps the last `max` lines pushed. */
function lastLines(max: number): { lines: string[]; push(line: string): void } {
  const lines: string[] = [];
  return {
    lines,
    push(line) {
      lines.push(line);
      if (lines.length > max) lines.shift();
    },
  };
}
