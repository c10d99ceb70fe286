import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { CliError } from "../cli-error.js";
import type { LoadedTarget } from "../load-target.js";
import { type DockerfileSpec, generateDockerfile, generateDockerignore } from "./dockerfile.js";
import { findUp, relativeDir, runtimeClosure, workspacePackages } from "./workspace-packages.js";

export interface BuildContextOptions {
  loaded: LoadedTarget;
  /** Directory to (re)create the context in. */
  outDir: string;
  port: number;
  openapi?: string;
  gpu?: boolean;
  baseImage?: string;
}

export interface BuildContext {
  dir: string;
  dockerfile: string;
  spec: DockerfileSpec;
  /** Weight files copied into the image. */
  weights: string[];
}

const SKIP = new Set(["node_modules", "dist", ".git", "coverage", ".cache"]);

/** Copies a package's sources: no installs, builds, or its local weights/ folder (weights get their own layer). */
function copyTree(from: string, to: string): void {
  const localWeights = join(from, "weights");
  cpSync(from, to, {
    recursive: true,
    filter: (source) => !SKIP.has(basename(source)) && source !== localWeights,
  });
}

/**
 * Writes a build context with only what the predictor needs: its package and
 * the workspace packages it depends on (a pruned workspace, not the whole
 * monorepo) or, outside a workspace, its npm project; its weights; the
 * Dockerfile and .dockerignore.
 *
 * @example
 * const context = prepareBuildContext({ loaded, outDir: ".servekit/build", port: 8000 });
 */
export function prepareBuildContext(options: BuildContextOptions): BuildContext {
  const { loaded } = options;
  const configDir = dirname(loaded.configFile ?? loaded.file);
  const packageDir = findUp(configDir, "package.json");
  if (!packageDir)
    throw new CliError(
      `no package.json at or above ${configDir}: the image needs one to install from`,
    );
  const dir = resolve(options.outDir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "app"), { recursive: true });

  const workspaceRoot = findUp(packageDir, "pnpm-workspace.yaml");
  const spec: DockerfileSpec = workspaceRoot
    ? pnpmWorkspaceContext(workspaceRoot, packageDir, dir, options)
    : npmContext(packageDir, dir, options);

  const weights = (loaded.config.build?.weights ?? []).map((file) => resolve(configDir, file));
  if (weights.length > 0) {
    mkdirSync(join(dir, "weights"));
    for (const file of weights) {
      if (!existsSync(file)) {
        throw new CliError(
          `weight file ${file} (from build.weights in ${loaded.configFile}) does not exist`,
        );
      }
      cpSync(file, join(dir, "weights", basename(file)));
    }
  }
  spec.hasWeights = weights.length > 0;
  const dockerfile = generateDockerfile(spec);
  writeFileSync(join(dir, "Dockerfile"), dockerfile);
  writeFileSync(join(dir, ".dockerignore"), generateDockerignore());
  return { dir, dockerfile: join(dir, "Dockerfile"), spec, weights };
}

function baseSpec(options: BuildContextOptions): Omit<DockerfileSpec, "packageManager"> {
  const build = options.loaded.config.build;
  const baseImage = options.baseImage ?? build?.baseImage;
  return {
    port: options.port,
    hasWeights: false,
    title: options.loaded.predictor.name,
    env: build?.env ?? {},
    ...(baseImage ? { baseImage } : {}),
    ...(options.openapi ? { openapi: options.openapi } : {}),
    ...(options.gpu ? { gpu: true } : {}),
  };
}

function pnpmWorkspaceContext(
  root: string,
  packageDir: string,
  dir: string,
  options: BuildContextOptions,
): DockerfileSpec {
  const all = workspacePackages(root);
  const target = all.find((p) => resolve(p.dir) === resolve(packageDir));
  if (!target) throw new CliError(`${packageDir} is not a package of the workspace at ${root}`);
  const closure = runtimeClosure(target, all);
  const dirs = closure.map((p) => relativeDir(root, p.dir));
  const workspaceYaml = `packages:\n${dirs.map((d) => `  - ${d}`).join("\n")}\n`;
  for (const top of ["app", "manifests"]) {
    mkdirSync(join(dir, top), { recursive: true });
    // Root files the install and the packages' builds read (tsconfigs extend the root one).
    const rootFiles = [
      "package.json",
      "pnpm-lock.yaml",
      ".npmrc",
      ...(top === "app" ? rootTsconfigs(root) : []),
    ];
    for (const file of rootFiles) {
      if (existsSync(join(root, file))) cpSync(join(root, file), join(dir, top, file));
    }
    writeFileSync(join(dir, top, "pnpm-workspace.yaml"), workspaceYaml);
  }
  for (const pkg of closure) {
    const rel = relativeDir(root, pkg.dir);
    copyTree(pkg.dir, join(dir, "app", rel));
    mkdirSync(join(dir, "manifests", rel), { recursive: true });
    cpSync(join(pkg.dir, "package.json"), join(dir, "manifests", rel, "package.json"));
  }
  return { ...baseSpec(options), packageManager: "pnpm-workspace", packageName: target.name };
}

function rootTsconfigs(root: string): string[] {
  return readdirSync(root).filter((name) => /^tsconfig.*\.json$/.test(name));
}

function npmContext(packageDir: string, dir: string, options: BuildContextOptions): DockerfileSpec {
  if (!existsSync(join(packageDir, "package-lock.json"))) {
    throw new CliError(
      `${packageDir} has no package-lock.json: run npm install there first (the image installs from the lockfile)`,
    );
  }
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  if (!manifest.dependencies?.["@servekit/cli"]) {
    throw new CliError(
      `${packageDir}/package.json must list @servekit/cli in dependencies (the image runs serve-cli run)`,
    );
  }
  copyTree(packageDir, join(dir, "app"));
  return { ...baseSpec(options), packageManager: "npm" };
}
