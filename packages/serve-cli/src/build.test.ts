import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, sharedPath } from "@servekit/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The image helpers are shared with the outside-project suite (e2e/).
import {
  buildah,
  ensureStandInBaseImage,
  imageBuildMissing,
  removeImage,
  runImage,
  STAND_IN_BASE_IMAGE,
  waitForContainer,
} from "../../../e2e/support/container.js";
import { REPO_ROOT, runCli } from "../test/run-cli.js";

// A real image build: buildah (chroot isolation, host network) on a locally
// made stand-in for node:20-bookworm-slim, passed with --base-image, since no
// Docker engine runs here and no base image can be pulled. The built image is
// removed afterwards; the stand-in stays cached (see test/make-base-image.sh).
const IMAGE = "localhost/servekit-yolov5:test";
const shared = sharedPath();

interface ImageConfig {
  User: string;
  ExposedPorts: Record<string, object>;
  Labels: Record<string, string>;
  StopSignal?: string;
}

// buildah and debootstrap are system packages (and need root): .ci/run installs
// them and CI always runs this suite; elsewhere it is skipped without them, saying why.
const missing = process.env.CI ? undefined : imageBuildMissing();
if (missing) console.warn(`skipping the image-build test: ${missing}`);

describe.runIf(!missing)("serve-cli build (buildah)", () => {
  let config: ImageConfig;
  let healthcheck: { Test: string[] } | undefined;

  beforeAll(() => ensureStandInBaseImage(), 900_000);
  // ~700 MB per run otherwise; the base image stays, it makes later runs fast.
  afterAll(() => removeImage(IMAGE));

  it("builds the YOLOv5 example into an image with a summary", async () => {
    const result = await runCli(
      [
        "build",
        "examples/yolov5",
        "-t",
        IMAGE,
        "--builder",
        "buildah",
        "--base-image",
        STAND_IN_BASE_IMAGE,
      ],
      { cwd: REPO_ROOT, timeoutMs: 900_000 },
    );
    expect(result.stderr).toMatch(/built localhost\/servekit-yolov5:test with buildah in [\d.]+ s/);
    expect(result.stderr).toMatch(
      /^base image: localhost\/servekit-test-node:20-bookworm@sha256:[0-9a-f]{64}$/m,
    );
    expect(result.code).toBe(0);
    const inspected = JSON.parse(buildah("inspect", "--type", "image", IMAGE));
    config = inspected.OCIv1.config;
    healthcheck = inspected.Docker.config.Healthcheck;
  }, 900_000);

  it("runs as a non-root user with a health check, a stop signal and the OpenAPI label", () => {
    expect(config.User).toBe("node");
    expect(config.ExposedPorts).toHaveProperty("8000/tcp");
    expect(config.StopSignal ?? "SIGTERM").toBe("SIGTERM");
    expect(healthcheck?.Test.join(" ")).toContain("/health/ready");
    const openapi = JSON.parse(config.Labels["run.servekit.openapi_schema"]!);
    expect(Object.keys(openapi.components.schemas.Input.properties)).toContain("confidence");
  });

  it("serves detections from the image's own CMD, and exits 0 on SIGTERM", async () => {
    const container = runImage(IMAGE, await freePort());
    try {
      await waitForContainer(container);
      const res = await fetch(`${container.url}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          image: readFileSync(join(shared, "images/bus.jpg")).toString("base64"),
        }),
      });
      expect(res.status).toBe(200);
      const labels = (await res.json()).detections.map((d: { label: string }) => d.label);
      expect(labels).toEqual(["person", "person", "person", "bus"]);
    } finally {
      expect(await container.stop()).toBe(0);
    }
  }, 180_000);
});
