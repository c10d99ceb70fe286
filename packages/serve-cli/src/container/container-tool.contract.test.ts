import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CliContainerTool } from "./cli-container-tool.js";
import type { ContainerToolName } from "./container-tool.js";
import { detectContainerTool } from "./detect-container-tool.js";

function dockerEngineAnswers(): boolean {
  try {
    execFileSync("docker", ["info"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

// One contract for every container tool: the same calls, each tool's own argv.
describe.each<ContainerToolName>(["docker", "podman", "buildah"])(
  "ContainerTool contract: %s",
  (name) => {
    const tool = new CliContainerTool(name);

    it("tags and pushes with the tool's own command line", () => {
      expect(tool.commandLine("tag", "a:1", "reg/a:1")).toEqual([name, "tag", "a:1", "reg/a:1"]);
      expect(tool.commandLine("push", "reg/a:1")).toEqual([name, "push", "reg/a:1"]);
    });

    it("reports no size for an image that does not exist", async () => {
      expect(await tool.imageSize("servekit-no-such-image:never")).toBeUndefined();
    });
  },
);

describe("detectContainerTool", () => {
  it("passes over a docker client with no engine, and names the tool it picked", async () => {
    const tool = await detectContainerTool();
    if (!dockerEngineAnswers()) expect(tool.name).not.toBe("docker");
    expect(["docker", "podman", "buildah"]).toContain(tool.name);
  });

  it("rejects an unknown --builder as a usage error", async () => {
    await expect(detectContainerTool("kaniko")).rejects.toMatchObject({ exitCode: 2 });
  });
});
