import { describe, expect, it } from "vitest";
import { explainBuildFailure } from "./build-failure.js";

const failure = {
  argv: ["buildah", "build", "-t", "echo:latest", "/tmp/ctx"],
  exitCode: 125,
  baseImage: "node:20-bookworm-slim",
  streamed: true,
};

describe("explainBuildFailure", () => {
  it("says how to pass --base-image when the base image cannot be pulled", () => {
    const message = explainBuildFailure({
      ...failure,
      output: [
        "Error: creating build container: initializing source docker://node:20-bookworm-slim: pinging container registry registry-1.docker.io: dial tcp: lookup registry-1.docker.io: no such host",
      ],
    });
    expect(message).toMatch(/^could not pull the base image node:20-bookworm-slim/);
    expect(message).toContain("--base-image <image>");
    expect(message).toContain("build.baseImage");
  });

  it("recognises docker's pull failures too", () => {
    const message = explainBuildFailure({
      ...failure,
      output: [
        "ERROR: failed to solve: node:20-bookworm-slim: failed to resolve source metadata for docker.io/library/node:20-bookworm-slim",
      ],
    });
    expect(message).toMatch(/^could not pull the base image/);
  });

  it("points at the registry settings when the install cannot reach a registry", () => {
    const message = explainBuildFailure({
      ...failure,
      output: [
        "npm error code ENOTFOUND",
        "npm error network request to https://registry.npmjs.org/x failed",
      ],
    });
    expect(message).toMatch(/could not reach a package registry/);
    expect(message).toContain(".npmrc");
  });

  it("is one line when the output was streamed, and carries its tail when it was not", () => {
    const output = ["STEP 5/9: RUN npm ci --omit=dev", "npm error code EUSAGE"];
    const streamed = explainBuildFailure({ ...failure, output });
    expect(streamed.split("\n")).toHaveLength(1);
    expect(streamed).toContain("exited with 125");
    expect(streamed).not.toContain("EUSAGE");
    const quiet = explainBuildFailure({ ...failure, output, streamed: false });
    expect(quiet.split("\n").slice(1)).toEqual(output);
  });
});
