/** How the builder stage installs: a pnpm workspace's package, or a project with its own lockfile. */
export type PackageManager = "pnpm-workspace" | "npm" | "pnpm" | "yarn-classic" | "yarn-berry";

/** What a generated Dockerfile needs to know. Pure data: no paths on this machine. */
export interface DockerfileSpec {
  /** How dependencies are installed in the builder stage. */
  packageManager: PackageManager;
  /** pnpm-workspace only: the package to deploy, e.g. "@servekit/example-yolov5". */
  packageName?: string;
  /** pnpm and yarn-berry: the major version to install or expect. @default 10 for pnpm, 4 for yarn */
  managerMajor?: number;
  /** yarn-berry: the checked-in release (`yarnPath` in .yarnrc.yml), run with node instead of corepack. */
  yarnPath?: string;
  /** Whether the project has a `build` script: it runs with devDependencies, which are then pruned. */
  build?: boolean;
  /** Project-relative files only the install reads (.npmrc, dependency tarballs), deleted before the runtime copy. */
  installOnly?: string[];
  /** Base of both stages. @default "node:20-bookworm-slim" */
  baseImage?: string;
  /** Port the server listens on. */
  port: number;
  /** Whether weights are copied into their own layer at /srv/weights. */
  hasWeights: boolean;
  /** Extra environment of the runtime image. */
  env?: Record<string, string>;
  /** The OpenAPI document, stored as a label (like Cog's run.cog.openapi_schema). */
  openapi?: string;
  /** Image title label, e.g. the predictor's name. */
  title: string;
  /**
   * GPU variant: keep onnxruntime-node's install step (it fetches the CUDA
   * execution provider) and expect a CUDA base image with Node.js.
   * @default false
   */
  gpu?: boolean;
}
