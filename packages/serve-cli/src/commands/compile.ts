import { statSync } from "node:fs";
import { relative } from "node:path";
import type { Command } from "commander";
import { usageError } from "../cli-error.js";
import { type CompileResult, compileProject } from "../compile/compile-project.js";
import { existingPath } from "../load-target.js";

/**
 * `serve-cli compile`: transpiles a project folder's TypeScript to
 * `.servekit/build`, which `run`, `predict`, `batch` and `consume` then load
 * instead of the sources while it is up to date.
 *
 * @example
 * const { files } = await compile({ dir: "examples/yolov5" });
 */
export async function compile(options: { dir?: string; cwd?: string }): Promise<CompileResult> {
  const cwd = options.cwd ?? process.cwd();
  const dir = existingPath(options.dir ?? ".", cwd);
  if (!statSync(dir).isDirectory())
    throw usageError(
      `${options.dir} is a file: serve-cli compile takes the project folder (the one holding serve.config.ts), e.g. serve-cli compile .`,
    );
  return compileProject(dir);
}

/** Registers `serve-cli compile`. */
export function registerCompileCommand(program: Command): void {
  program
    .command("compile")
    .description("Transpile a project's TypeScript to .servekit/build, which run then loads")
    .argument("[dir]", "the project folder: the one holding serve.config.ts (default .)")
    .addHelpText(
      "after",
      `
Examples:
  $ serve-cli compile && serve-cli run .    # start without transpiling
  $ serve-cli compile examples/yolov5`,
    )
    .action(async (dir: string | undefined) => {
      const result = await compile({ dir });
      const where = relative(process.cwd(), result.outDir) || result.outDir;
      if (result.files === 0) {
        process.stderr.write(`no TypeScript files in ${dir ?? "."}: nothing to compile\n`);
        return;
      }
      for (const { path, packages } of result.typeScriptImports)
        process.stderr.write(
          `note: ${path} imports ${packages.join(", ")}, which only tsx loads (TypeScript exports): \`serve-cli run\` of an entry that imports it runs the sources through tsx\n`,
        );
      process.stderr.write(
        `compiled ${result.files} TypeScript file${result.files === 1 ? "" : "s"} to ${where} in ${result.ms} ms\n`,
      );
    });
}
