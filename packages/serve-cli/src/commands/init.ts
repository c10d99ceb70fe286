import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import type { Command } from "commander";
import { usageError } from "../cli-error.js";
import { type DependencySpecs, projectFiles } from "../templates/project-files.js";

export interface InitOptions {
  dir: string;
  /** Package name. @default the directory's name */
  name?: string;
  /**
   * A servekit checkout to depend on (`file:` links to its packages) instead
   * of the published versions; for trying unreleased changes.
   */
  servekitFrom?: string;
}

/**
 * Scaffolds a predictor project: package.json, predictor.ts, serve.config.ts,
 * a test and a README. Refuses a directory that has files in it.
 *
 * @example
 * const files = await initProject({ dir: "my-model" });
 */
export async function initProject(options: InitOptions): Promise<string[]> {
  const dir = resolve(options.dir);
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    throw usageError(`${dir} is not empty; pick a new directory`);
  }
  const name = (options.name ?? basename(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, "-");
  const files = projectFiles(name, dependencySpecs(options.servekitFrom));
  await mkdir(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
  return Object.keys(files);
}

function dependencySpecs(servekitFrom: string | undefined): DependencySpecs {
  if (servekitFrom) {
    const root = resolve(servekitFrom);
    return {
      core: `file:${join(root, "packages/serve-core")}`,
      cli: `file:${join(root, "packages/serve-cli")}`,
    };
  }
  const version = (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    }
  ).version;
  return { core: `^${version}`, cli: `^${version}` };
}

/** `serve-cli init`. */
export function registerInitCommand(program: Command): void {
  program
    .command("init")
    .description("Scaffold a predictor project that passes its own test after install")
    .argument("[dir]", "directory to create", ".")
    .option("--name <name>", "package name (default: the directory name)")
    .option(
      "--servekit-from <path>",
      "depend on a local servekit checkout instead of the published packages",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ serve-cli init my-model && cd my-model && npm install && npm test
  $ serve-cli init . --name sentiment`,
    )
    .action(async (dir: string, flags: { name?: string; servekitFrom?: string }) => {
      const files = await initProject({ dir, ...flags });
      process.stderr.write(
        `created ${files.join(", ")} in ${resolve(dir)}\nnext: cd ${dir} && npm install && npm test && npm start\n`,
      );
    });
}
