import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, posix, relative } from "node:path";
import { CliError } from "../cli-error.js";
import {
  type BuildManifest,
  buildDirOf,
  type CompiledSource,
  manifestPathOf,
  recordSources,
} from "./build-manifest.js";
import { compiledPathOf, relativeImports, rewriteTypeScriptImports } from "./output-path.js";
import { bareImports, typeScriptPackagesOf } from "./typescript-packages.js";

/** What {@link compileProject} wrote. */
export interface CompileResult {
  /** The build folder (`<project>/.servekit/build`). */
  outDir: string;
  /** How many sources it compiled. */
  files: number;
  /** Sources that import packages shipping TypeScript: a `run` reaching them uses tsx. */
  typeScriptImports: { path: string; packages: string[] }[];
  ms: number;
}

/** The part of esbuild's API compile uses (esbuild comes with tsx). */
interface Esbuild {
  transform(code: string, options: Record<string, unknown>): Promise<{ code: string; map: string }>;
}

/**
 * Transpiles a project's TypeScript to ESM JavaScript for Node 20 under
 * `<project>/.servekit/build`, the folder tree kept, each file with a linked
 * source map, plus a manifest `serve-cli run` checks the sources against.
 * Nothing is bundled or copied; a project without TypeScript gets no build. Throws CliError (and leaves no build) when a
 * compiled file imports a relative path the build does not hold.
 *
 * @example
 * const { files, ms } = await compileProject("examples/yolov5");
 */
export async function compileProject(projectDir: string): Promise<CompileResult> {
  const started = performance.now();
  const esbuild = await loadEsbuild();
  const outDir = buildDirOf(projectDir);
  rmSync(outDir, { recursive: true, force: true });
  const sources = recordSources(projectDir);
  const elapsed = () => Math.round(performance.now() - started);
  if (sources.length === 0) return { outDir, files: 0, typeScriptImports: [], ms: elapsed() };
  const tsconfigRaw = readCompilerOptions(projectDir);
  // Compiled path → its source, to record what each source imports.
  const outputs = new Map(sources.map((s) => [compiledPathOf(s.path), s.path]));
  const problems: string[] = [];
  const compiled: CompiledSource[] = [];
  for (const source of sources) {
    const { path } = source;
    const output = compiledPathOf(path);
    const target = join(outDir, output);
    const { code, map } = await transform(esbuild, {
      code: readFileSync(join(projectDir, path), "utf8"),
      path,
      sourcefile: relative(dirname(target), join(projectDir, path)),
      tsconfigRaw,
    });
    const rewritten = rewriteTypeScriptImports(code);
    const imports: string[] = [];
    for (const specifier of relativeImports(rewritten)) {
      const imported = outputs.get(posix.normalize(posix.join(posix.dirname(output), specifier)));
      if (imported) imports.push(imported);
      else
        problems.push(
          `${path} imports "${specifier}", which is not a compiled TypeScript file of the project`,
        );
    }
    const typeScriptPackages = typeScriptPackagesOf(join(projectDir, path), bareImports(rewritten));
    compiled.push({ ...source, imports, typeScriptPackages });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${rewritten}//# sourceMappingURL=${basename(target)}.map\n`);
    writeFileSync(`${target}.map`, map);
  }
  if (problems.length > 0) {
    rmSync(outDir, { recursive: true, force: true });
    throw new CliError(
      `${problems.join("\n")}\nserve-cli compile copies nothing but compiled TypeScript: import a .ts file (as "./x.js"), or load other files from the project root (e.g. projectRootOf(import.meta.url)). No build was written.`,
    );
  }
  const manifest: BuildManifest = {
    version: 2,
    compiledAt: new Date().toISOString(),
    sources: compiled,
  };
  writeFileSync(manifestPathOf(projectDir), `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    outDir,
    files: sources.length,
    typeScriptImports: compiled
      .filter((s) => s.typeScriptPackages.length > 0)
      .map((s) => ({ path: s.path, packages: s.typeScriptPackages })),
    ms: elapsed(),
  };
}

async function transform(
  esbuild: Esbuild,
  input: { code: string; path: string; sourcefile: string; tsconfigRaw: object },
): Promise<{ code: string; map: string }> {
  try {
    return await esbuild.transform(input.code, {
      loader: input.path.endsWith(".tsx") ? "tsx" : "ts",
      format: "esm",
      target: "node20",
      platform: "node",
      sourcemap: "external",
      sourcesContent: false,
      sourcefile: input.sourcefile,
      tsconfigRaw: input.tsconfigRaw,
    });
  } catch (error) {
    const first = (
      error as { errors?: { text: string; location?: { line: number; column: number } }[] }
    ).errors?.[0];
    const where = first?.location ? `:${first.location.line}:${first.location.column + 1}` : "";
    throw new CliError(
      `could not compile ${input.path}${where}: ${first?.text ?? String(error)}`,
      1,
      {
        cause: error,
      },
    );
  }
}

/** The project's tsconfig compilerOptions esbuild honours, when tsconfig.json is plain JSON. */
function readCompilerOptions(projectDir: string): object {
  const file = join(projectDir, "tsconfig.json");
  if (!existsSync(file)) return {};
  try {
    const { compilerOptions } = JSON.parse(readFileSync(file, "utf8")) as {
      compilerOptions?: object;
    };
    return compilerOptions ? { compilerOptions } : {};
  } catch {
    // Comments or `extends` chains: esbuild's defaults suit NodeNext projects.
    return {};
  }
}

/** esbuild, imported on first use: only `serve-cli compile` needs it. */
async function loadEsbuild(): Promise<Esbuild> {
  return (await import("esbuild")) as Esbuild;
}
