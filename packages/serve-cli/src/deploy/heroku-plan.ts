import type { ContainerTool } from "../container/container-tool.js";
import { type HerokuDeployOptions, resolveHerokuOptions } from "./heroku-options.js";
import type { PlannedStep } from "./planned-step.js";

/** What exists already, as `heroku apps:info --json` (see {@link herokuAppCheck}) found. */
export interface HerokuState {
  appExists: boolean;
  /** The app's stack name ("container", "heroku-24"); undefined when the app does not exist. */
  stack?: string;
}

/** One command of a Heroku plan; `reads` marks `apps:info --json`, whose output gives the web URL. */
export type HerokuStep = PlannedStep<"app-info">;

/**
 * `heroku apps:info --app APP --json`: exit 0 and the app as JSON when it
 * exists, non-zero and "Couldn't find that app" when not.
 *
 * @example
 * herokuAppCheck({ app: "yolov5-demo", delete: true }); // ["heroku", "apps:info", "--app", "yolov5-demo", "--json"]
 */
export function herokuAppCheck(options: HerokuDeployOptions): string[] {
  const o = resolveHerokuOptions(options);
  return ["heroku", "apps:info", "--app", o.app, "--json"];
}

/**
 * The commands that deploy an image to Heroku as its users do: create the
 * app on the `container` stack when it does not exist (or move an existing
 * one to that stack), log the container tool in to Heroku's registry, tag
 * and push the image as `registry.heroku.com/APP/web`, set the config vars,
 * release it, and read the app's web URL. Pure: it runs nothing.
 *
 * Logging in is `heroku container:login`, which logs Docker in; with Podman
 * or Buildah the login is the user's (see docs/deploy.md), so no step.
 *
 * @example
 * planHerokuDeploy({ app: "yolov5-demo", image: "yolov5:latest" }, { appExists: false }, tool);
 */
export function planHerokuDeploy(
  options: HerokuDeployOptions,
  state: HerokuState,
  tool: Pick<ContainerTool, "commandLine" | "name">,
): HerokuStep[] {
  const o = resolveHerokuOptions({ ...options, delete: false });
  const image = o.image!;
  const app = ["--app", o.app];
  const steps: HerokuStep[] = [];
  if (!state.appExists)
    steps.push({
      description: `Create app ${o.app} on the container stack`,
      argv: [
        "heroku",
        "apps:create",
        o.app,
        "--stack=container",
        ...(o.region ? [`--region=${o.region}`] : []),
        ...(o.team ? [`--team=${o.team}`] : []),
      ],
    });
  else if (state.stack !== "container")
    steps.push({
      description: `Move app ${o.app} to the container stack (it is on ${state.stack ?? "another stack"})`,
      argv: ["heroku", "stack:set", "container", ...app],
    });
  if (tool.name === "docker")
    steps.push({
      description: `Log Docker in to ${image.remote.split("/")[0]}`,
      argv: ["heroku", "container:login"],
    });
  steps.push(
    {
      description: `Tag ${image.local} as ${image.remote}`,
      argv: tool.commandLine("tag", image.local, image.remote),
    },
    { description: `Push ${image.remote}`, argv: tool.commandLine("push", image.remote) },
  );
  if (o.env.length > 0)
    steps.push({
      description: `Set config vars ${o.env.map(([key]) => key).join(", ")}`,
      argv: ["heroku", "config:set", ...o.env.map(([key, value]) => `${key}=${value}`), ...app],
      // heroku echoes the values it set, and config vars are often secrets.
      hideOutput: true,
    });
  steps.push(
    {
      description: `Release the pushed image as the web process of ${o.app}`,
      argv: ["heroku", "container:release", "web", ...app],
    },
    {
      description: `Read the web URL of ${o.app}`,
      argv: herokuAppCheck(options),
      reads: "app-info",
    },
  );
  return steps;
}

/**
 * The command that destroys the app (its dynos, config vars and images go
 * with it). Pure.
 *
 * @example
 * planHerokuDelete({ app: "yolov5-demo" });
 */
export function planHerokuDelete(options: HerokuDeployOptions): HerokuStep[] {
  const o = resolveHerokuOptions({ ...options, delete: true });
  return [
    {
      description: `Destroy app ${o.app}`,
      argv: ["heroku", "apps:destroy", "--app", o.app, `--confirm=${o.app}`],
    },
  ];
}
