import type { Command } from "commander";
import { collect } from "./deploy-output.js";

// The flags every `deploy` target declares, written once so that they read
// and behave the same everywhere. Separate groups, because each command lists
// its own flags between them.

/** The flags {@link addImageFlags} and {@link addRunFlags} add, as commander parses them. */
export interface DeployFlags {
  image?: string;
  registry?: string;
  env?: string[];
  timeout: string;
  builder?: string;
  dryRun?: boolean;
  delete?: boolean;
}

/**
 * `--image` and, for targets that push to Artifact Registry, `--registry`.
 *
 * @example
 * addImageFlags(deploy.command("gce"), { registry: true });
 */
export function addImageFlags(command: Command, { registry }: { registry: boolean }): Command {
  command.option(
    "--image <name:tag>",
    "the locally built image to deploy (serve-cli build made it)",
  );
  if (registry)
    command.option(
      "--registry <path>",
      "Artifact Registry repository: REGION-docker.pkg.dev/PROJECT/REPO",
    );
  return command;
}

/**
 * The repeatable `-e, --env KEY=VALUE`, described as `what` it sets.
 *
 * @example
 * addEnvFlag(deploy.command("heroku"), "config var of the app");
 */
export function addEnvFlag(command: Command, what = "environment of the container"): Command {
  return command.option("-e, --env <KEY=VALUE>", `${what}; repeat for more`, collect);
}

/**
 * `--timeout`, `--builder`, `--dry-run` and `--delete`, whose help says
 * what deleting removes.
 *
 * @example
 * addRunFlags(deploy.command("cloudrun"), "delete the service instead of deploying");
 */
export function addRunFlags(command: Command, deleteHelp: string): Command {
  return command
    .option("--timeout <seconds>", "how long to wait for /health/ready to answer 200", "300")
    .option("--builder <tool>", "docker, podman or buildah (default: the first one found)")
    .option("--dry-run", "print the commands instead of running them (runs nothing)")
    .option("--delete", deleteHelp);
}
