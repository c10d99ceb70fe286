import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { CliError } from "../cli-error.js";
import type { LoadedTarget } from "../load-target.js";
import type { ImageWeightsFile } from "../weights/image-weights.js";
import { lockFile, writeWeightsLayer } from "../weights/weights-layer.js";
import { appFiles } from "./app-files.js";
import { generateDockerfile, generateDockerignore } from "./dockerfile.js";
import type { DockerfileSpec } from "./dockerfile-spec.js";
import { localDependencies } from "./local-dependencies.js";
import { detectProjectKind, type ProjectKind } from "./project-kind.js";
import { findUp, relativeDir, workspaceClosure, workspacePackages } from "./workspace-packages.js";

export interface BuildContextOptions {
  loaded: LoadedTarget;
  /** Directory to (re)create the context in. */
  outDir: string;
  port: number;
  openapi?: string;
  gpu?: boolean;
  baseImage?: string;
  /**
   * Files the predictors declare in `weights` (see `imageWeights`): copied
   * into the weights layer under their file names, beside `build.weights`.
   */
  declaredWeights?: readonly ImageWeightsFile[];
}

export interface BuildContext {
  dir: string;
  dockerfile: string;
  spec: DockerfileSpec;
  /** Weight files copied into the image (`build.weights` and the declared ones). */
  weights: string[];
}

/** Root scripts npm, pnpm and yarn run on install: the app is not there yet at that step. */
const INSTALL_SCRIPTS = [
  "preinstall",
  "install",
  "postinstall",
  "prepublish",
  "preprepare",
  "prepare",
  "postprepare",
];

interface Manifest {
  files?: string[];
  packageManager?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  pnpm?: { patchedDependencies?: Record<string, string> };
}

/**
 * Writes a build context with only what the predictor needs: for a package of
 * a pnpm workspace, a pruned workspace (the package and the workspace packages
 * it depends on); for a project with its own lockfile, `install/` (what the
 * install reads: manifest, lockfile, .npmrc, local dependencies) and `app/`
 * (the files the app needs, per package.json `files` and `.dockerignore`);
 * its weights; the Dockerfile and .dockerignore.
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
  const kind = detectProjectKind(packageDir);
  const dir = resolve(options.outDir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const buildWeights = (loaded.config.build?.weights ?? []).map((file) => resolve(configDir, file));
  const declared = options.declaredWeights ?? [];
  // Weights have their own layer: the app layer leaves out every copy that lies in the project.
  const weights = [...buildWeights, ...declared.flatMap((file) => (file.path ? [file.path] : []))];
  const spec: DockerfileSpec =
    kind.kind === "pnpm-workspace"
      ? pnpmWorkspaceContext({ root: kind.root, packageDir, dir, options, weights })
      : projectContext({ kind, packageDir, dir, options, weights });

  const copied = writeWeightsLayer({
    contextDir: dir,
    buildWeights,
    declared,
    configFile: loaded.configFile,
  });
  spec.hasWeights = buildWeights.length > 0 || declared.length > 0;
  const dockerfile = generateDockerfile(spec);
  writeFileSync(join(dir, "Dockerfile"), dockerfile);
  writeFileSync(join(dir, ".dockerignore"), generateDockerignore());
  return { dir, dockerfile: join(dir, "Dockerfile"), spec, weights: copied };
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

/** Copies `files` (relative to `from`) to the same relative paths under `to`. */
function copyFiles(from: string, to: string, files: readonly string[]): void {
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(from, file), join(to, file));
  }
}

/** Paths of `absolute` files that lie inside `dir`, relative to it. */
function insidePaths(dir: string, absolute: readonly string[]): string[] {
  return absolute
    .map((file) => relativeDir(dir, file))
    .filter((path) => path !== "" && !path.startsWith("../") && !path.startsWith("/"));
}

function pnpmWorkspaceContext(
  input: Omit<ProjectContextInput, "kind"> & { root: string },
): DockerfileSpec {
  const { root, packageDir, dir, options } = input;
  const all = workspacePackages(root);
  const target = all.find((p) => resolve(p.dir) === resolve(packageDir));
  if (!target) throw new CliError(`${packageDir} is not a package of the workspace at ${root}`);
  const closure = workspaceClosure(target, all);
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
    // Sources, not builds (the image builds them) nor a local weights/ folder (weights get their own layer).
    const files = appFiles({
      projectDir: pkg.dir,
      alwaysInclude: ["package.json", ...lockFile(pkg.dir)],
      exclude: ["weights", ...insidePaths(pkg.dir, [...input.weights, resolve(options.outDir)])],
      skipDirs: ["dist"],
    });
    copyFiles(pkg.dir, join(dir, "app", rel), files);
    mkdirSync(join(dir, "manifests", rel), { recursive: true });
    cpSync(join(pkg.dir, "package.json"), join(dir, "manifests", rel, "package.json"));
  }
  return { ...baseSpec(options), packageManager: "pnpm-workspace", packageName: target.name };
}

function rootTsconfigs(root: string): string[] {
  return readdirSync(root).filter((name) => /^tsconfig.*\.json$/.test(name));
}

interface ProjectContextInput {
  kind: Exclude<ProjectKind, { kind: "pnpm-workspace" }>;
  packageDir: string;
  dir: string;
  options: BuildContextOptions;
  weights: string[];
}

/** A project with its own lockfile: `install/` for the dependency layer, `app/` for the code. */
function projectContext(input: ProjectContextInput): DockerfileSpec {
  const { kind, packageDir, dir, options } = input;
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as Manifest;
  requireCli(packageDir, manifest, kind);
  if (
    kind.kind === "yarn-berry" &&
    !kind.yarnPath &&
    !/^yarn@/.test(manifest.packageManager ?? "")
  ) {
    throw new CliError(
      `${packageDir} uses yarn ${kind.major} but names no version the image could install: ` +
        `run \`yarn set version ${kind.major}\` there (it sets "packageManager" in package.json)`,
    );
  }
  const locals = localDependencies(packageDir, kind.lockfile);
  const tarballs = locals.filter((d) => d.tarball).map((d) => d.path);

  const install = join(dir, "install");
  mkdirSync(install, { recursive: true });
  const installFiles = [
    kind.lockfile,
    ".npmrc",
    ...(kind.kind === "pnpm" && kind.workspaceFile ? ["pnpm-workspace.yaml"] : []),
    ...(kind.kind === "pnpm"
      ? ["patches", ...Object.values(manifest.pnpm?.patchedDependencies ?? {})]
      : []),
    ...(kind.kind === "yarn-berry"
      ? [".yarnrc.yml", ".yarn/releases", ".yarn/plugins", ".yarn/patches"]
      : []),
    ...locals.map((d) => d.path),
  ];
  for (const file of new Set(installFiles)) {
    if (!existsSync(join(packageDir, file))) continue;
    mkdirSync(dirname(join(install, file)), { recursive: true });
    cpSync(join(packageDir, file), join(install, file), {
      recursive: true,
      filter: (source) => !["node_modules", ".git"].includes(basename(source)),
    });
  }
  // The install runs before the app is copied, so the project's own install scripts cannot run there.
  const scripts = Object.fromEntries(
    Object.entries(manifest.scripts ?? {}).filter(([name]) => !INSTALL_SCRIPTS.includes(name)),
  );
  writeFileSync(
    join(install, "package.json"),
    `${JSON.stringify({ ...manifest, scripts }, null, 2)}\n`,
  );

  const build = Boolean(manifest.scripts?.build);
  const { loaded } = options;
  const files = appFiles({
    projectDir: packageDir,
    ...(manifest.files ? { files: manifest.files } : {}),
    alwaysInclude: [
      "package.json",
      ...lockFile(packageDir),
      ...insidePaths(packageDir, [loaded.file, ...(loaded.configFile ? [loaded.configFile] : [])]),
    ],
    exclude: [
      ...locals.map((d) => d.path),
      ...insidePaths(packageDir, [...input.weights, resolve(options.outDir)]),
    ],
    skipDirs: build ? ["dist"] : [],
  });
  copyFiles(packageDir, join(dir, "app"), files);

  const installOnly = [
    ...(existsSync(join(packageDir, ".npmrc")) ? [".npmrc"] : []),
    ...(kind.kind === "yarn-berry" ? [".yarnrc.yml", ".yarn"] : []),
    ...tarballs,
  ];
  return {
    ...baseSpec(options),
    packageManager: kind.kind,
    ...(kind.kind === "pnpm" || kind.kind === "yarn-berry" ? { managerMajor: kind.major } : {}),
    ...(kind.kind === "yarn-berry" && kind.yarnPath ? { yarnPath: kind.yarnPath } : {}),
    ...(build ? { build } : {}),
    ...(installOnly.length > 0 ? { installOnly } : {}),
  };
}

/** The image runs `serve-cli run` from the project's node_modules, so the CLI must be a production dependency. */
function requireCli(
  packageDir: string,
  manifest: Manifest,
  kind: ProjectContextInput["kind"],
): void {
  if (manifest.dependencies?.["@servekit/cli"]) return;
  const add = {
    npm: "npm install @servekit/cli",
    pnpm: "pnpm add @servekit/cli",
    "yarn-classic": "yarn add @servekit/cli",
    "yarn-berry": "yarn add @servekit/cli",
  }[kind.kind];
  const where = relative(process.cwd(), join(packageDir, "package.json")) || "package.json";
  throw new CliError(
    manifest.devDependencies?.["@servekit/cli"]
      ? `${where} lists @servekit/cli in devDependencies, but the image runs serve-cli run and installs production dependencies only: move it to dependencies (${add})`
      : `${where} must list @servekit/cli in dependencies, since the image runs serve-cli run: ${add}`,
  );
}
