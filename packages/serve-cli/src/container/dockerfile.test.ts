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

  it("installs with npm ci for a plain npm project, and takes a custom base", () => {
    const npm = generateDockerfile({
      packageManager: "npm",
      port: 9000,
      hasWeights: false,
      title: "echo",
      baseImage: "node:22-slim",
    });
    expect(npm).toContain("ARG BASE_IMAGE=node:22-slim");
    expect(npm).toContain("RUN npm ci --omit=dev");
    expect(npm).toMatch(/^EXPOSE 9000$/m);
  });

  it("refuses a workspace image without the package to deploy", () => {
    expect(() => generateDockerfile({ ...workspace, packageName: undefined })).toThrow(
      /packageName/,
    );
  });
});

describe("generateDockerignore", () => {
  it("keeps installs, builds and VCS data out of the context", () => {
    expect(generateDockerignore().split("\n")).toEqual(
      expect.arrayContaining(["**/node_modules", "**/.git", "**/dist"]),
    );
  });
});
