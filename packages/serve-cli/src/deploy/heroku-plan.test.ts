import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import type { ContainerTool, ContainerToolName } from "../container/container-tool.js";
import { herokuAppCheck, planHerokuDelete, planHerokuDeploy } from "./heroku-plan.js";

function toolNamed(name: ContainerToolName): Pick<ContainerTool, "commandLine" | "name"> {
  return { name, commandLine: (action, ...args) => [name, action, ...args] };
}
const docker = toolNamed("docker");
const base = { app: "yolov5-demo", image: "yolov5:latest" };
const WEB = "registry.heroku.com/yolov5-demo/web";

describe("planHerokuDeploy", () => {
  it("creates a missing app on the container stack, pushes the image as web and releases it", () => {
    const steps = planHerokuDeploy(
      { ...base, env: ["LOG_LEVEL=debug"] },
      { appExists: false },
      docker,
    );
    expect(steps.map((s) => s.argv)).toEqual([
      ["heroku", "apps:create", "yolov5-demo", "--stack=container"],
      ["heroku", "container:login"],
      ["docker", "tag", "yolov5:latest", WEB],
      ["docker", "push", WEB],
      ["heroku", "config:set", "LOG_LEVEL=debug", "--app", "yolov5-demo"],
      ["heroku", "container:release", "web", "--app", "yolov5-demo"],
      ["heroku", "apps:info", "--app", "yolov5-demo", "--json"],
    ]);
    expect(steps.at(-1)?.reads).toBe("app-info");
  });

  it("moves an existing app to the container stack only when it is on another", () => {
    const onBuildpacks = planHerokuDeploy(base, { appExists: true, stack: "heroku-24" }, docker);
    expect(onBuildpacks[0]?.argv).toEqual([
      "heroku",
      "stack:set",
      "container",
      "--app",
      "yolov5-demo",
    ]);
    const onContainer = planHerokuDeploy(base, { appExists: true, stack: "container" }, docker);
    expect(onContainer.map((s) => s.argv[1])).toEqual([
      "container:login",
      "tag",
      "push",
      "container:release",
      "apps:info",
    ]);
  });

  it("passes region and team to a new app, and leaves the login to the user with podman", () => {
    const steps = planHerokuDeploy(
      { ...base, region: "eu", team: "ml" },
      { appExists: false },
      toolNamed("podman"),
    );
    expect(steps[0]?.argv).toEqual([
      "heroku",
      "apps:create",
      "yolov5-demo",
      "--stack=container",
      "--region=eu",
      "--team=ml",
    ]);
    expect(steps.map((s) => s.argv[1])).not.toContain("container:login");
    expect(steps[1]?.argv).toEqual(["podman", "tag", "yolov5:latest", WEB]);
  });

  it("rejects a bad app name, PORT (Heroku's to set) and a missing image, all at once", () => {
    let error: unknown;
    try {
      planHerokuDeploy({ app: "Yo", env: ["PORT=80"] }, { appExists: false }, docker);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    const message = (error as CliError).message;
    expect(message).toContain("- `--app` must be a Heroku app name");
    expect(message).toContain("- `--env` must not set PORT: Heroku assigns the port");
    expect(message).toContain("- `--image` is required to deploy");
  });
});

describe("planHerokuDelete", () => {
  it("destroys the app, confirmed so that no prompt waits", () => {
    expect(planHerokuDelete({ app: "yolov5-demo" }).map((s) => s.argv)).toEqual([
      ["heroku", "apps:destroy", "--app", "yolov5-demo", "--confirm=yolov5-demo"],
    ]);
    expect(herokuAppCheck({ app: "yolov5-demo", delete: true })).toEqual([
      "heroku",
      "apps:info",
      "--app",
      "yolov5-demo",
      "--json",
    ]);
  });
});
