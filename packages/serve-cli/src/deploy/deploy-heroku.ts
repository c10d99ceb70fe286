import { CliError } from "../cli-error.js";
import { type CommandRunner, createCommandRunner } from "./command-runner.js";
import { containerToolOf, type DeployDeps } from "./deploy-deps.js";
import { dryRunScript } from "./dry-run-script.js";
import { type HerokuDeployOptions, resolveHerokuOptions } from "./heroku-options.js";
import {
  type HerokuState,
  herokuAppCheck,
  planHerokuDelete,
  planHerokuDeploy,
} from "./heroku-plan.js";
import { runStep, tail } from "./run-step.js";
import { commandLine } from "./shell-quote.js";
import { waitForDeployedServer } from "./wait-for-ready.js";

/** The side effects of {@link deployHeroku}, injectable for tests. */
export type HerokuDeployDeps = DeployDeps;

/** What {@link deployHeroku} did. */
export type HerokuDeployResult =
  | { kind: "dry-run"; script: string }
  /** The app answers `/health/ready` at `url`; `created` when the app was new. */
  | { kind: "deployed"; url: string; created: boolean }
  | { kind: "deleted"; removed: string[] };

/**
 * Deploys a locally built image to Heroku: create the app on the container
 * stack if needed, push the image to Heroku's registry as the `web` process,
 * set config vars, `heroku container:release web`, then wait until the app's
 * URL answers `/health/ready`. `delete` destroys the app; `dryRun` only
 * returns the commands.
 *
 * @example
 * const result = await deployHeroku(
 *   { app: "yolov5-demo", image: "yolov5:latest", env: ["LOG_LEVEL=debug"] },
 *   { containerTool: () => detectContainerTool() },
 * );
 */
export async function deployHeroku(
  options: HerokuDeployOptions,
  deps: HerokuDeployDeps = {},
): Promise<HerokuDeployResult> {
  const o = resolveHerokuOptions(options);
  const log = deps.log ?? (() => {});
  const check = herokuAppCheck(options);
  if (o.delete) {
    const steps = planHerokuDelete(options);
    if (o.dryRun)
      return {
        kind: "dry-run",
        script: dryRunScript({
          assumptions: [
            `Assuming the app "${o.app}" exists (a real run checks first with \`${commandLine(check)}\`).`,
          ],
          steps,
        }),
      };
    const runner = deps.runner ?? createCommandRunner();
    if (!(await readState(runner, check)).appExists) {
      log(`app ${o.app} does not exist; nothing to delete`);
      return { kind: "deleted", removed: [] };
    }
    for (const step of steps) await runStep(runner, step, log);
    return { kind: "deleted", removed: [`Heroku app ${o.app}`] };
  }

  const tool = await containerToolOf(deps, "deployHeroku");
  const loginNote =
    tool.name === "docker"
      ? []
      : [
          `${tool.name} is not logged in by \`heroku container:login\` (it logs Docker in); log it in first:`,
          `  ${tool.name} login registry.heroku.com --username=_ --password="$(heroku auth:token)"`,
        ];
  if (o.dryRun)
    return {
      kind: "dry-run",
      script: dryRunScript({
        assumptions: [
          `Assuming the app "${o.app}" does not exist yet (if it does, a real run skips \`apps:create\`,`,
          "and moves it to the container stack with `heroku stack:set container` if it is on another).",
          `A real run checks first with: ${commandLine(check)}`,
          ...loginNote,
        ],
        steps: planHerokuDeploy(options, { appExists: false }, tool),
        afterwards: `Then: wait up to ${o.timeoutSeconds} s for WEB_URL/health/ready (app.web_url read above, e.g. https://${o.app}.herokuapp.com) to answer 200.`,
      }),
    };

  const runner = deps.runner ?? createCommandRunner();
  const state = await readState(runner, check);
  log(
    `→ app ${o.app} ${state.appExists ? `exists (stack ${state.stack})` : "does not exist yet: creating it"}`,
  );
  for (const line of loginNote) log(`  note: ${line}`);
  let url = `https://${o.app}.herokuapp.com`;
  for (const step of planHerokuDeploy(options, state, tool)) {
    const result = await runStep(runner, step, log);
    if (step.reads === "app-info") url = appInfo(result.stdout)?.webUrl ?? url;
  }
  await waitForDeployedServer(url, {
    timeoutSeconds: o.timeoutSeconds,
    log,
    readiness: deps.readiness,
    hint: `see the app's logs with \`heroku logs --tail --app ${o.app}\` (R10 means the server did not bind $PORT within 60 s), or wait longer with --timeout`,
  });
  return { kind: "deployed", url, created: !state.appExists };
}

/** Exit 0 → exists (with its stack); "Couldn't find that app" → absent; anything else is an error. */
async function readState(runner: CommandRunner, check: string[]): Promise<HerokuState> {
  const result = await runner.run(check);
  if (result.code === 0) return { appExists: true, stack: appInfo(result.stdout)?.stack };
  if (/couldn't find that app|not found|\b404\b/i.test(result.stderr)) return { appExists: false };
  throw new CliError(
    `could not check whether the app exists: \`${commandLine(check)}\` exited ${result.code}:\n${tail(result.stderr || result.stdout)}` +
      (/log ?in|auth|credentials/i.test(result.stderr) ? "\nlog in with `heroku login` first" : ""),
  );
}

/** `app.web_url` and `app.stack.name` of `heroku apps:info --json`; undefined when it is not that JSON. */
function appInfo(json: string): { webUrl?: string; stack?: string } | undefined {
  try {
    const { app } = JSON.parse(json) as { app?: { web_url?: string; stack?: { name?: string } } };
    return { webUrl: app?.web_url?.replace(/\/+$/, ""), stack: app?.stack?.name };
  } catch {
    return undefined;
  }
}
