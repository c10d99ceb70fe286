import type { ContainerTool } from "../container/container-tool.js";
import type { CommandRunner } from "./command-runner.js";
import type { WaitForReadyOptions } from "./wait-for-ready.js";

/** The side effects of a deploy (GCE, Cloud Run, Heroku), injectable for tests. */
export interface DeployDeps {
  /** Tags and pushes the image: a tool, or a factory called only when deploying. Required unless `delete`. */
  containerTool?: ContainerTool | (() => Promise<ContainerTool>);
  /** Runs the platform's CLI and the container tool. @default a spawn-based runner (gcloud's with its prompts disabled) */
  runner?: CommandRunner;
  /** Receives progress: each step, its command line and its output. @default discarded */
  log?: (line: string) => void;
  /** The readiness wait's clock, fetch and pace. @default real time, global fetch, every 5 s */
  readiness?: Pick<WaitForReadyOptions, "fetch" | "now" | "sleep" | "intervalMs">;
}

/**
 * The container tool of `deps`, calling its factory now: only a deploy (not
 * a delete) needs one. `deployer` names the caller in the error.
 *
 * @example
 * const tool = await containerToolOf(deps, "deployHeroku");
 */
export async function containerToolOf(deps: DeployDeps, deployer: string): Promise<ContainerTool> {
  if (!deps.containerTool)
    throw new TypeError(`${deployer} needs deps.containerTool to tag and push the image`);
  return typeof deps.containerTool === "function" ? deps.containerTool() : deps.containerTool;
}
