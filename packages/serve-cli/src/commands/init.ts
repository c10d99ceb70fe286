import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, join, resolve } from "node:path";
import type { Command } from "commander";
import { usageError } from "../cli-error.js";
import type { DependencySpecs } from "../templates/dependency-specs.js";
import { nextSteps } from "../templates/next-steps.js";
import { registryUrl } from "../templates/npmrc.js";
import { projectFiles } from "../templates/project-files.js";
import {
  isTemplateName,
  PROJECT_TEMPLATES,
  TEMPLATE_NAMES,
  type TemplateName,
} from "../templates/project-templates.js";

export interface InitOptions {
  dir: string;
  /** Package name. @default the directory's name */
  name?: string;
  /** One of `text`, `onnx`, `tabular`. @default "text" */
  template?: string;
  /** An http(s) registry for the `@servekit` packages, written to `.npmrc`. */
  registry?: string;
  /**
   * A servekit checkout to depend on (`file:` links to its packages) instead
   * of the published versions; for trying unreleased changes.
   */
  servekitFrom?: string;
}

/**
 * Scaffolds a predictor project from a template: package.json, predictor.ts,
 * serve.config.ts, a test, a README, ignore files and whatever the template
 * needs (a model). Refuses a directory that has files in it. Returns the
 * relative paths it wrote.
 *
 * @example
 * const files = await initProject({ dir: "iris", template: "onnx" });
 */
export async function initProject(options: InitOptions): Promise<string[]> {
  const template = templateName(options.template);
  const registry = options.registry === undefined ? undefined : checkedRegistry(options.registry);
  const dir = resolve(options.dir);
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    throw usageError(`${dir} is not empty; pick a new directory`);
  }
  const name = (options.name ?? basename(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, "-");
  const files = projectFiles({
    name,
    template,
    servekit: dependencySpecs(options.servekitFrom),
    ...(registry ? { registry } : {}),
  });
  await mkdir(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
  return Object.keys(files);
}

function templateName(name: string | undefined): TemplateName {
  if (name === undefined) return "text";
  if (!isTemplateName(name)) {
    throw usageError(
      `unknown template ${JSON.stringify(name)}; pick one of: ${TEMPLATE_NAMES.join(", ")}`,
    );
  }
  return name;
}

function checkedRegistry(value: string): string {
  try {
    return registryUrl(value);
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

function dependencySpecs(servekitFrom: string | undefined): DependencySpecs {
  if (servekitFrom) {
    const root = resolve(servekitFrom);
    const core = join(root, "packages/serve-core");
    const onnxruntime = installedVersion(core, "onnxruntime-node");
    return {
      core: `file:${core}`,
      cli: `file:${join(root, "packages/serve-cli")}`,
      // The linked @servekit/core loads the checkout's onnxruntime-node.
      ...(onnxruntime ? { pinned: { "onnxruntime-node": onnxruntime } } : {}),
    };
  }
  const version = (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    }
  ).version;
  return { core: `^${version}`, cli: `^${version}` };
}

/** The version of `name` that code in `dir` would load, or undefined where none is installed. */
function installedVersion(dir: string, name: string): string | undefined {
  try {
    const manifest = createRequire(join(dir, "package.json")).resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** `serve-cli init`. */
export function registerInitCommand(program: Command): void {
  const templates = TEMPLATE_NAMES.map(
    (name) => `  ${name.padEnd(8)} ${PROJECT_TEMPLATES[name].summary}`,
  ).join("\n");
  program
    .command("init")
    .description("Scaffold a predictor project that passes its own test after install")
    .argument("[dir]", "directory to create", ".")
    .option("--name <name>", "package name (default: the directory name)")
    .option("--template <name>", `project template: ${TEMPLATE_NAMES.join(", ")}`, "text")
    .option("--registry <url>", "take the @servekit packages from this registry (writes .npmrc)")
    .option(
      "--servekit-from <path>",
      "depend on a local servekit checkout instead of the published packages",
    )
    .addHelpText(
      "after",
      `
Templates:
${templates}

Examples:
  $ serve-cli init my-model && cd my-model && npm install && npm test
  $ serve-cli init iris --template onnx
  $ serve-cli init prices --template tabular --registry http://localhost:4873/
  $ serve-cli init . --name sentiment`,
    )
    .action(
      async (
        dir: string,
        flags: { name?: string; template: string; registry?: string; servekitFrom?: string },
      ) => {
        const files = await initProject({ dir, ...flags });
        const steps = nextSteps({ dir, template: templateName(flags.template) });
        process.stderr.write(
          `created ${files.join(", ")} in ${resolve(dir)}\n\nnext:\n${steps.map((step) => `  ${step}\n`).join("")}`,
        );
      },
    );
}
