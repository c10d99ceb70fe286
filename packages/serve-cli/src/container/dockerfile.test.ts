import { describe, expect, it } from "vitest";
import { generateDockerfile, generateDockerignore } from "./dockerfile.js";

const workspace = {
  packageManager: "pnpm-workspace" as const,
  packageName: "@servekit/example-yolov5",
  port: 8000,
  hasWeights: true,
  title: "yolov5",
  env: { YOLOV5_WEIGHTS_DIR: "/srv/weights" },
  openapi: '{"components":{"schemas":{"Input":{"$ref":"#/x"}}}}',
};

function lineIndex(dockerfile: string, pattern: RegExp): number {
  return dockerfile.split("\n").findIndex((line) => pattern.test(line));
}

describe("generateDockerfile", () => {
  const dockerfile = generateDockerfile(workspace);

  it("is multi-stage: a builder installing from the frozen lockfile, then a runtime stage", () => {
    expect(dockerfile).toMatch(/^# syntax=docker\/dockerfile:1\n/);
    expect(dockerfile).toContain("ARG BASE_IMAGE=node:20-bookworm-slim");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile build argument, not a template
    expect(dockerfile).toContain("FROM ${BASE_IMAGE} AS builder");
    expect(dockerfile).toContain("RUN pnpm install --frozen-lockfile --ignore-scripts");
    expect(dockerfile).toContain(
      'RUN pnpm --filter "@servekit/example-yolov5" deploy --prod --legacy /out',
    );
    expect(lineIndex(dockerfile, /^COPY manifests\//)).toBeLessThan(
      lineIndex(dockerfile, /^COPY app\//),
    );
  });

  it("skips onnxruntime-node's CUDA download in CPU images, and keeps it for --gpu", () => {
    expect(dockerfile).toContain("ONNXRUNTIME_NODE_INSTALL=skip");
    expect(generateDockerfile({ ...workspace, gpu: true })).not.toContain(
      "ONNXRUNTIME_NODE_INSTALL=skip",
    );
  });

  it("runs as the non-root node user, with the port, health check and stop signal", () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^EXPOSE 8000$/m);
    expect(dockerfile).toContain('PORT="8000"');
    expect(dockerfile).toMatch(/^HEALTHCHECK .*CMD \["node","-e",".*\/health\/ready/m);
    expect(dockerfile).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(dockerfile).toMatch(
      /^CMD \["node", "--initial-old-space-size=64", "node_modules\/@servekit\/cli\/bin\/serve-cli.js", "run", "."\]$/m,
    );
  });

  it("sets glibc's allocator for native libraries and threads in the runtime stage; build.env wins", () => {
    const runtime = dockerfile.split(/^FROM /m).at(-1)!;
    expect(runtime).toMatch(
      /^ENV .*MALLOC_ARENA_MAX="1" MALLOC_MMAP_THRESHOLD_="131072" MALLOC_TRIM_THRESHOLD_="131072" GLIBC_TUNABLES="glibc.malloc.hugetlb=1"/m,
    );
    const custom = generateDockerfile({ ...workspace, env: { MALLOC_ARENA_MAX: "4" } });
    expect(custom).toContain('MALLOC_ARENA_MAX="4"');
    expect(custom).not.toContain('MALLOC_ARENA_MAX="1"');
  });

  it("puts the weights in their own layer before the code", () => {
    const weights = lineIndex(dockerfile, /^COPY weights\/ \/srv\/weights\/$/);
    const code = lineIndex(dockerfile, /^COPY --from=builder \/out\/ \/srv\/app\/$/);
    expect(weights).toBeGreaterThan(0);
    expect(weights).toBeLessThan(code);
    expect(generateDockerfile({ ...workspace, hasWeights: false })).not.toContain("COPY weights/");
  });

  it("stores the OpenAPI document as a label with $ escaped from variable expansion", () => {
    expect(dockerfile).toContain(
      'run.servekit.openapi_schema="{\\"components\\":{\\"schemas\\":{\\"Input\\":{\\"\\$ref\\"',
    );
    expect(dockerfile).toContain('YOLOV5_WEIGHTS_DIR="/srv/weights"');
  });

  it("takes a custom base image for both stages", () => {
    const custom = generateDockerfile({ ...workspace, baseImage: "localhost/node:20" });
    expect(custom).toContain("ARG BASE_IMAGE=localhost/node:20");
    expect(custom.match(/^FROM \$\{BASE_IMAGE\}/gm)).toHaveLength(2);
  });

  it("refuses a workspace image without the package to deploy", () => {
    expect(() => generateDockerfile({ ...workspace, packageName: undefined })).toThrow(
      /packageName/,
    );
  });
});

/** The builder stage's COPY and RUN lines, in order. */
function builderLines(dockerfile: string): string[] {
  const builder = dockerfile.split(/^FROM /m)[1]!;
  return builder.split("\n").filter((line) => /^(COPY|RUN) /.test(line));
}

describe("generateDockerfile for a project with its own lockfile", () => {
  const project = { port: 8000, hasWeights: false, title: "echo" };

  it("npm: installs production dependencies from the lockfile before copying the app", () => {
    const npm = generateDockerfile({
      ...project,
      packageManager: "npm",
      installOnly: [".npmrc", "vendor/tiny-1.0.0.tgz"],
    });
    expect(builderLines(npm)).toEqual([
      "COPY install/ ./",
      "RUN npm ci --omit=dev",
      "COPY app/ ./",
      'RUN ["rm","-rf","--",".npmrc","vendor/tiny-1.0.0.tgz"]',
    ]);
    expect(npm).toMatch(/^COPY --from=builder \/build\/ \/srv\/app\/$/m);
  });

  it("npm with a build script: installs everything, builds, then prunes devDependencies", () => {
    const npm = generateDockerfile({ ...project, packageManager: "npm", build: true });
    expect(builderLines(npm)).toEqual([
      "COPY install/ ./",
      "RUN npm ci",
      "COPY app/ ./",
      "RUN npm run build",
      "RUN npm prune --omit=dev",
    ]);
  });

  it("pnpm: installs the pnpm major the project names, then a frozen production install", () => {
    const pnpm = generateDockerfile({ ...project, packageManager: "pnpm", managerMajor: 9 });
    expect(builderLines(pnpm)).toEqual([
      "COPY install/ ./",
      "RUN npm install -g pnpm@9",
      "RUN pnpm install --frozen-lockfile --prod",
      "COPY app/ ./",
    ]);
    const built = generateDockerfile({ ...project, packageManager: "pnpm", build: true });
    expect(builderLines(built)).toEqual([
      "COPY install/ ./",
      "RUN npm install -g pnpm@10",
      "RUN pnpm install --frozen-lockfile",
      "COPY app/ ./",
      "RUN pnpm run build",
      "RUN pnpm prune --prod --ignore-scripts",
    ]);
  });

  it("yarn classic: yarn 1 with a frozen lockfile and --production", () => {
    const yarn = generateDockerfile({ ...project, packageManager: "yarn-classic" });
    expect(builderLines(yarn)).toEqual([
      "COPY install/ ./",
      "RUN npm install -g --force yarn@1",
      "RUN yarn install --frozen-lockfile --production",
      "COPY app/ ./",
    ]);
  });

  it("yarn berry: corepack's yarn, node_modules linker, focused production install", () => {
    const berry = generateDockerfile({
      ...project,
      packageManager: "yarn-berry",
      managerMajor: 4,
      installOnly: [".yarnrc.yml", ".yarn"],
    });
    expect(berry).toMatch(/^ENV CI=true .*YARN_NODE_LINKER=node-modules/m);
    expect(builderLines(berry)).toEqual([
      "COPY install/ ./",
      "RUN corepack enable",
      "RUN yarn workspaces focus --production",
      "COPY app/ ./",
      'RUN ["rm","-rf","--",".yarnrc.yml",".yarn"]',
    ]);
  });

  it("yarn berry 3 with a checked-in release: runs it with node, and installs with --immutable", () => {
    const berry = generateDockerfile({
      ...project,
      packageManager: "yarn-berry",
      managerMajor: 3,
      yarnPath: ".yarn/releases/yarn-3.8.7.cjs",
    });
    expect(builderLines(berry)).toEqual([
      "COPY install/ ./",
      "RUN node .yarn/releases/yarn-3.8.7.cjs install --immutable",
      "COPY app/ ./",
    ]);
  });

  it("keeps the runtime stage of every kind: non-root, health check, serve-cli run", () => {
    for (const packageManager of ["npm", "pnpm", "yarn-classic", "yarn-berry"] as const) {
      const dockerfile = generateDockerfile({ ...project, packageManager });
      const runtime = dockerfile.split(/^FROM /m)[2]!;
      expect(runtime).toMatch(/^USER node$/m);
      expect(runtime).toMatch(/^HEALTHCHECK /m);
      expect(runtime).toContain('"node_modules/@servekit/cli/bin/serve-cli.js", "run", "."');
      expect(dockerfile).toContain("ONNXRUNTIME_NODE_INSTALL=skip");
    }
  });
});

describe("generateDockerignore", () => {
  it("keeps installs, logs and VCS data out of the context", () => {
    expect(generateDockerignore().split("\n")).toEqual(
      expect.arrayContaining(["**/node_modules", "**/.git", "**/*.log"]),
    );
  });
});
