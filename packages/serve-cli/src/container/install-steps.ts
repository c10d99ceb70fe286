import type { DockerfileSpec } from "./dockerfile-spec.js";

/** The builder stage's steps and the folder the runtime stage copies the app from. */
export interface BuilderSteps {
  /** Extra builder environment, e.g. yarn's node_modules linker. */
  env: string[];
  steps: string[];
  /** Folder in the builder holding the app with its production dependencies. */
  output: string;
}

/** The commands of one package manager, for a project with its own lockfile. */
interface Commands {
  setup?: string;
  installProd: string;
  installAll: string;
  build: string;
  /** Removes devDependencies after a build; undefined where the manager cannot. */
  prune?: string;
}

/**
 * The builder stage of a generated Dockerfile: what the install reads is
 * copied first and installed from the frozen lockfile (so that layer is
 * cached until a dependency changes), then the app; a `build` script runs
 * with devDependencies installed, which are pruned afterwards.
 *
 * @example
 * builderSteps({ packageManager: "npm", port: 8000, hasWeights: false, title: "echo" }).steps;
 * // ["# What the install reads, first…", "COPY install/ ./", "RUN npm ci --omit=dev", "COPY app/ ./"]
 */
export function builderSteps(spec: DockerfileSpec): BuilderSteps {
  if (spec.packageManager === "pnpm-workspace") return pnpmWorkspaceSteps(spec);
  const commands = managerCommands(spec);
  const steps = [
    "# What the install reads, first: this layer is cached until a dependency changes.",
    "COPY install/ ./",
    ...(commands.setup ? [`RUN ${commands.setup}`] : []),
    `RUN ${spec.build ? commands.installAll : commands.installProd}`,
    "COPY app/ ./",
    ...(spec.build ? [`RUN ${commands.build}`] : []),
    ...(spec.build && commands.prune ? [`RUN ${commands.prune}`] : []),
    ...(spec.installOnly?.length
      ? [
          "# Only the install needed these (registry settings, packed dependencies).",
          `RUN ${JSON.stringify(["rm", "-rf", "--", ...spec.installOnly])}`,
        ]
      : []),
  ];
  const env =
    spec.packageManager === "yarn-berry"
      ? ["YARN_NODE_LINKER=node-modules", "COREPACK_ENABLE_DOWNLOAD_PROMPT=0"]
      : [];
  return { env, steps, output: "/build/" };
}

function managerCommands(spec: DockerfileSpec): Commands {
  switch (spec.packageManager) {
    case "npm":
      return {
        installProd: "npm ci --omit=dev",
        installAll: "npm ci",
        build: "npm run build",
        prune: "npm prune --omit=dev",
      };
    case "pnpm":
      return {
        setup: `npm install -g pnpm@${spec.managerMajor ?? 10}`,
        installProd: "pnpm install --frozen-lockfile --prod",
        installAll: "pnpm install --frozen-lockfile",
        build: "pnpm run build",
        prune: "pnpm prune --prod --ignore-scripts",
      };
    case "yarn-classic":
      return {
        // --force: the official node images already ship yarn 1 at /usr/local/bin/yarn.
        setup: "npm install -g --force yarn@1",
        installProd: "yarn install --frozen-lockfile --production",
        installAll: "yarn install --frozen-lockfile",
        build: "yarn run build",
        prune: "yarn install --frozen-lockfile --production --ignore-scripts",
      };
    case "yarn-berry": {
      const yarn = spec.yarnPath ? `node ${spec.yarnPath}` : "yarn";
      // `workspaces focus` is built in from yarn 4; before that it needs a plugin.
      const focus =
        (spec.managerMajor ?? 4) >= 4 ? `${yarn} workspaces focus --production` : undefined;
      return {
        ...(spec.yarnPath ? {} : { setup: "corepack enable" }),
        installProd: focus ?? `${yarn} install --immutable`,
        installAll: `${yarn} install --immutable`,
        build: `${yarn} run build`,
        ...(focus ? { prune: `YARN_ENABLE_SCRIPTS=false ${focus}` } : {}),
      };
    }
    case "pnpm-workspace":
      throw new TypeError("a pnpm workspace has no single-project commands");
    default: {
      const never: never = spec.packageManager;
      throw new TypeError(`unknown package manager ${never}`);
    }
  }
}

function pnpmWorkspaceSteps(spec: DockerfileSpec): BuilderSteps {
  if (!spec.packageName) throw new TypeError("pnpm-workspace images need packageName");
  const name = JSON.stringify(spec.packageName);
  return {
    env: [],
    steps: [
      "RUN npm install -g pnpm@10",
      "# Manifests and lockfile first: dependencies are cached until they change.",
      "COPY manifests/ ./",
      "RUN pnpm install --frozen-lockfile --ignore-scripts",
      "COPY app/ ./",
      "RUN pnpm install --frozen-lockfile --offline",
      `RUN pnpm --filter ${JSON.stringify(`${spec.packageName}...`)} --if-present run build`,
      `RUN pnpm --filter ${name} deploy --prod --legacy /out`,
    ],
    output: "/out/",
  };
}
