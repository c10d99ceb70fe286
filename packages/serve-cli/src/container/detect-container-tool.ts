import { CliError, usageError } from "../cli-error.js";
import { CliContainerTool, runProgram } from "./cli-container-tool.js";
import type { ContainerTool, ContainerToolName } from "./container-tool.js";

const ORDER: ContainerToolName[] = ["docker", "podman", "buildah"];

/** Whether `name` is installed and, for docker, whether its engine answers (a lone client can't build). */
async function usable(name: ContainerToolName): Promise<boolean> {
  const probe =
    name === "docker" ? ["docker", "info", "--format", "{{.ServerVersion}}"] : [name, "--version"];
  const { code } = await runProgram(probe).catch(() => ({ code: 1 }));
  return code === 0;
}

/**
 * The first usable of docker, podman and buildah, or the one asked for.
 *
 * @example
 * const tool = await detectContainerTool();        // e.g. buildah where no Docker engine runs
 * const forced = await detectContainerTool("podman");
 */
export async function detectContainerTool(preferred?: string): Promise<ContainerTool> {
  if (preferred !== undefined) {
    if (!ORDER.includes(preferred as ContainerToolName)) {
      throw usageError(`--builder must be one of ${ORDER.join(", ")}; got ${preferred}`);
    }
    if (!(await usable(preferred as ContainerToolName))) {
      throw new CliError(
        `${preferred} is not usable here (not installed${preferred === "docker" ? ", or no Docker engine answers" : ""})`,
      );
    }
    return new CliContainerTool(preferred as ContainerToolName);
  }
  for (const name of ORDER) if (await usable(name)) return new CliContainerTool(name);
  throw new CliError(
    "no container tool found: install Docker (with a running engine), Podman, or Buildah (apt-get install buildah)",
  );
}
