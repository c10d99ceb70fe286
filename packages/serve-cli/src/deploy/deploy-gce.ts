import { CliError } from "../cli-error.js";
import type { ContainerTool } from "../container/container-tool.js";
import { type CommandRunner, createCommandRunner } from "./command-runner.js";
import { dryRunScript } from "./dry-run-script.js";
import {
  type GceDeployOptions,
  type ResolvedGceDeployOptions,
  resolveGceDeployOptions,
} from "./gce-options.js";
import {
  type GceState,
  gceStateChecks,
  type PlannedStep,
  planGceDelete,
  planGceDeploy,
} from "./gce-plan.js";
import { commandLine } from "./shell-quote.js";
import { type WaitForReadyOptions, waitForReady } from "./wait-for-ready.js";

/** The side effects of {@link deployGce}, injectable for tests. */
export interface GceDeployDeps {
  /** Tags and pushes the image: a tool, or a factory called only when deploying. Required unless `delete`. */
  containerTool?: ContainerTool | (() => Promise<ContainerTool>);
  /** Runs gcloud and the container tool. @default a spawn-based runner with gcloud's prompts disabled */
  runner?: CommandRunner;
  /** Receives progress: each step, its command line and its output. @default discarded */
  log?: (line: string) => void;
  /** The readiness wait's clock, fetch and pace. @default real time, global fetch, every 5 s */
  readiness?: Pick<WaitForReadyOptions, "fetch" | "now" | "sleep" | "intervalMs">;
}

/** What {@link deployGce} did. */
export type GceDeployResult =
  /** `dryRun`: the commands it would run, as a shell script. */
  | { kind: "dry-run"; script: string }
  /** The server answers `/health/ready` at `url`; `created` is false when an existing VM was updated. */
  | { kind: "deployed"; url: string; created: boolean; image: string }
  /** `delete`: the VM and rule that existed and were deleted (absent ones are skipped). */
  | { kind: "deleted"; removed: string[] };

/**
 * Deploys a locally built image to a Compute Engine VM, as a GCE user would
 * by hand with gcloud: push it to Artifact Registry, create the VM on
 * Container-Optimized OS (or update the container of the existing one), open
 * the port, and wait until `/health/ready` answers. With `delete`, removes the
 * VM and the firewall rule; with `dryRun`, only returns the commands.
 *
 * @example
 * const result = await deployGce(
 *   { project: "my-project", name: "yolov5", image: "yolov5:latest",
 *     registry: "us-central1-docker.pkg.dev/my-project/servekit" },
 *   { containerTool: () => detectContainerTool(), log: (line) => process.stderr.write(`${line}\n`) },
 * );
 * if (result.kind === "deployed") console.log(result.url);
 */
export async function deployGce(
  options: GceDeployOptions,
  deps: GceDeployDeps = {},
): Promise<GceDeployResult> {
  const o = resolveGceDeployOptions(options);
  const log = deps.log ?? (() => {});
  if (o.delete) return o.dryRun ? dryRunDelete(options, o) : deleteDeployment(options, o, deps);

  if (!deps.containerTool)
    throw new TypeError("deployGce needs deps.containerTool to tag and push the image");
  const tool =
    typeof deps.containerTool === "function" ? await deps.containerTool() : deps.containerTool;
  if (o.dryRun) return dryRunDeploy(options, o, tool);

  const runner = deps.runner ?? defaultRunner();
  const state = await readState(runner, options, o);
  log(
    `→ VM ${o.name} ${state.vmExists ? "exists: updating its container" : "does not exist yet: creating it"}; ` +
      `firewall rule ${o.firewallRule} ${state.firewallRuleExists ? "exists" : "does not exist yet: creating it"}`,
  );
  let ip: string | undefined;
  for (const step of planGceDeploy(options, state, tool)) {
    const result = await runStep(runner, step, log);
    if (step.reads === "external-ip") ip = externalIp(result.stdout, o);
  }
  const url = `http://${ip}:${o.port}`;
  log(`→ Wait up to ${o.timeoutSeconds} s for ${url}/health/ready to answer 200`);
  let lastOutcome = "";
  await waitForReady(`${url}/health/ready`, {
    ...deps.readiness,
    timeoutMs: o.timeoutSeconds * 1000,
    onAttempt: (outcome) => {
      if (outcome !== lastOutcome) log(`    not ready yet: ${outcome}`);
      lastOutcome = outcome;
    },
    hint:
      "the VM is running, but its container may still be pulling or starting, or it failed; " +
      `see its boot and container logs with \`gcloud compute instances get-serial-port-output ${o.name} --project=${o.project} --zone=${o.zone}\`, ` +
      "or wait longer with --timeout",
  });
  return { kind: "deployed", url, created: !state.vmExists, image: o.image!.remote };
}

function dryRunDeploy(
  options: GceDeployOptions,
  o: ResolvedGceDeployOptions,
  tool: ContainerTool,
): GceDeployResult {
  const checks = gceStateChecks(options);
  return {
    kind: "dry-run",
    script: dryRunScript({
      assumptions: [
        `Assuming the VM "${o.name}" does not exist yet (if it does, a real run updates its container with`,
        "`gcloud compute instances update-container` instead of creating it) and that the firewall rule",
        `"${o.firewallRule}" does not exist yet (if it does, a real run skips creating it).`,
        "A real run checks both first with:",
        `  ${commandLine(checks.vm)}`,
        `  ${commandLine(checks.firewallRule)}`,
      ],
      steps: planGceDeploy(options, { vmExists: false, firewallRuleExists: false }, tool),
      afterwards: `Then: wait up to ${o.timeoutSeconds} s for http://EXTERNAL_IP:${o.port}/health/ready (the IP read above) to answer 200.`,
    }),
  };
}

function dryRunDelete(options: GceDeployOptions, o: ResolvedGceDeployOptions): GceDeployResult {
  const checks = gceStateChecks(options);
  return {
    kind: "dry-run",
    script: dryRunScript({
      assumptions: [
        `Assuming the VM "${o.name}" and the firewall rule "${o.firewallRule}" both exist`,
        "(a real run checks with the commands below and skips whichever does not):",
        `  ${commandLine(checks.vm)}`,
        `  ${commandLine(checks.firewallRule)}`,
        "The image stays in Artifact Registry.",
      ],
      steps: planGceDelete(options, { vmExists: true, firewallRuleExists: true }),
    }),
  };
}

async function deleteDeployment(
  options: GceDeployOptions,
  o: ResolvedGceDeployOptions,
  deps: GceDeployDeps,
): Promise<GceDeployResult> {
  const runner = deps.runner ?? defaultRunner();
  const log = deps.log ?? (() => {});
  const state = await readState(runner, options, o);
  if (!state.vmExists)
    log(`VM ${o.name} does not exist in ${o.project}/${o.zone}; nothing to delete`);
  if (!state.firewallRuleExists)
    log(`firewall rule ${o.firewallRule} does not exist; nothing to delete`);
  for (const step of planGceDelete(options, state)) await runStep(runner, step, log);
  const removed = [
    ...(state.vmExists ? [`VM ${o.name}`] : []),
    ...(state.firewallRuleExists ? [`firewall rule ${o.firewallRule}`] : []),
  ];
  return { kind: "deleted", removed };
}

/** The runner deploy uses: gcloud never waits for an answer on stdin, which it would never get. */
function defaultRunner(): CommandRunner {
  return createCommandRunner({ env: { ...process.env, CLOUDSDK_CORE_DISABLE_PROMPTS: "1" } });
}

async function readState(
  runner: CommandRunner,
  options: GceDeployOptions,
  o: ResolvedGceDeployOptions,
): Promise<GceState> {
  const checks = gceStateChecks(options);
  return {
    vmExists: await exists(runner, checks.vm, `VM ${o.name}`),
    firewallRuleExists: await exists(
      runner,
      checks.firewallRule,
      `firewall rule ${o.firewallRule}`,
    ),
  };
}

/** Exit 0 → exists; "not found" → absent; anything else (no login, API disabled) is an error. */
async function exists(runner: CommandRunner, argv: string[], what: string): Promise<boolean> {
  const result = await runner.run(argv);
  if (result.code === 0) return true;
  if (/not found|\b404\b/i.test(result.stderr)) return false;
  throw new CliError(
    `could not check whether ${what} exists: \`${commandLine(argv)}\` exited ${result.code}:\n${tail(result.stderr || result.stdout)}`,
  );
}

async function runStep(runner: CommandRunner, step: PlannedStep, log: (line: string) => void) {
  log(`→ ${step.description}`);
  log(`  $ ${commandLine(step.argv)}`);
  // A describe's JSON is read, not shown.
  const onOutput = step.reads ? undefined : (line: string) => log(`    ${line}`);
  const result = await runner.run(step.argv, { onOutput });
  if (result.code !== 0) {
    throw new CliError(
      `step "${step.description}" failed: \`${commandLine(step.argv)}\` exited ${result.code}:\n${tail(result.stderr || result.stdout)}`,
    );
  }
  return result;
}

/** `networkInterfaces[0].accessConfigs[0].natIP` of `gcloud compute instances describe --format=json`. */
function externalIp(describeJson: string, o: ResolvedGceDeployOptions): string {
  let instance: { networkInterfaces?: { accessConfigs?: { natIP?: string }[] }[] };
  try {
    instance = JSON.parse(describeJson);
  } catch (error) {
    throw new CliError(
      `\`gcloud compute instances describe ${o.name}\` printed something other than JSON: ${tail(describeJson, 5)}`,
      1,
      { cause: error },
    );
  }
  const ip = instance.networkInterfaces?.[0]?.accessConfigs?.[0]?.natIP;
  if (!ip) {
    throw new CliError(
      `VM ${o.name} has no external IP (networkInterfaces[0].accessConfigs[0].natIP is empty), so it cannot be reached from here; ` +
        `give it one with \`gcloud compute instances add-access-config ${o.name} --project=${o.project} --zone=${o.zone}\``,
    );
  }
  return ip;
}

/** The last lines of a command's output: where gcloud and docker put the error. */
function tail(text: string, lines = 40): string {
  const all = text.trimEnd().split("\n");
  return (all.length > lines ? ["…", ...all.slice(-lines)] : all).join("\n") || "(no output)";
}
