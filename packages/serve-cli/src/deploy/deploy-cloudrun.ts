import { CliError } from "../cli-error.js";
import { type CloudRunDeployOptions, resolveCloudRunOptions } from "./cloudrun-options.js";
import { cloudRunServiceCheck, planCloudRunDelete, planCloudRunDeploy } from "./cloudrun-plan.js";
import { containerToolOf, type DeployDeps } from "./deploy-deps.js";
import { defaultGcloudRunner, exists } from "./deploy-gce-steps.js";
import { dryRunScript } from "./dry-run-script.js";
import { runStep } from "./run-step.js";
import { commandLine } from "./shell-quote.js";
import { waitForDeployedServer } from "./wait-for-ready.js";

/** The side effects of {@link deployCloudRun}, injectable for tests. */
export type CloudRunDeployDeps = DeployDeps;

/** What {@link deployCloudRun} did. */
export type CloudRunDeployResult =
  | { kind: "dry-run"; script: string }
  /** The service answers `/health/ready` at `url`. */
  | { kind: "deployed"; url: string; image: string; concurrency: number }
  /** `delete`: whether the service existed (and so was deleted). */
  | { kind: "deleted"; removed: string[] };

/**
 * Deploys a locally built image to Cloud Run as its users would with gcloud:
 * push it to Artifact Registry, `gcloud run deploy` with the concurrency set
 * to the server's capacity and a startup probe on `/health/ready`, then wait
 * until the service's URL answers `/health/ready` (with an identity token
 * when the service is private). `delete` removes the service; `dryRun` only
 * returns the commands.
 *
 * @example
 * const result = await deployCloudRun(
 *   { project: "my-project", name: "yolov5", image: "yolov5:latest",
 *     registry: "us-central1-docker.pkg.dev/my-project/servekit", server: { workers: 2 } },
 *   { containerTool: () => detectContainerTool() },
 * );
 */
export async function deployCloudRun(
  options: CloudRunDeployOptions,
  deps: CloudRunDeployDeps = {},
): Promise<CloudRunDeployResult> {
  const o = resolveCloudRunOptions(options);
  const log = deps.log ?? (() => {});
  if (o.delete) {
    const steps = planCloudRunDelete(options);
    if (o.dryRun)
      return {
        kind: "dry-run",
        script: dryRunScript({
          assumptions: [
            `Assuming the service "${o.name}" exists (a real run checks first with`,
            `  ${commandLine(cloudRunServiceCheck(options))}`,
            "and deletes nothing when it does not). The image stays in Artifact Registry.",
          ],
          steps,
        }),
      };
    const runner = deps.runner ?? defaultGcloudRunner();
    if (!(await exists(runner, cloudRunServiceCheck(options), `service ${o.name}`))) {
      log(`service ${o.name} does not exist in ${o.project}/${o.region}; nothing to delete`);
      return { kind: "deleted", removed: [] };
    }
    for (const step of steps) await runStep(runner, step, log);
    return { kind: "deleted", removed: [`Cloud Run service ${o.name}`] };
  }

  const tool = await containerToolOf(deps, "deployCloudRun");
  const steps = planCloudRunDeploy(options, tool);
  if (o.dryRun)
    return {
      kind: "dry-run",
      script: dryRunScript({
        assumptions: [
          "`gcloud run deploy` creates the service, or rolls out a new revision of an existing one,",
          "and returns once the revision's startup probe (GET /health/ready) has passed.",
          `Concurrency ${o.concurrency}: ${o.concurrencyReason}.`,
          `CPU ${o.cpuAlwaysAllocated ? "always allocated (--no-cpu-throttling)" : "throttled between requests (--cpu-throttling)"}: ${o.cpuReason}.`,
        ],
        steps,
        afterwards: `Then: wait up to ${o.timeoutSeconds} s for SERVICE_URL/health/ready (the URL read above) to answer 200${o.allowUnauthenticated ? "" : ", sending the identity token as `Authorization: Bearer`"}.`,
      }),
    };

  const runner = deps.runner ?? defaultGcloudRunner();
  log(`→ concurrency ${o.concurrency}: ${o.concurrencyReason}`);
  log(
    `→ CPU ${o.cpuAlwaysAllocated ? "always allocated" : "throttled between requests"}: ${o.cpuReason}`,
  );
  let url = "";
  let token: string | undefined;
  for (const step of steps) {
    const result = await runStep(runner, step, log);
    if (step.reads === "service-url") url = result.stdout.trim().replace(/\/+$/, "");
    if (step.reads === "identity-token") token = result.stdout.trim();
  }
  if (!/^https?:\/\//.test(url))
    throw new CliError(
      `\`gcloud run services describe ${o.name}\` gave no URL (got "${url}"); see the service with \`gcloud run services describe ${o.name} --project=${o.project} --region=${o.region}\``,
    );
  const baseFetch = deps.readiness?.fetch ?? globalThis.fetch;
  await waitForDeployedServer(url, {
    timeoutSeconds: o.timeoutSeconds,
    log,
    readiness: {
      ...deps.readiness,
      // A private service answers 403 without the caller's identity token.
      fetch: token
        ? (input, init) =>
            baseFetch(input, { ...init, headers: { authorization: `Bearer ${token}` } })
        : baseFetch,
    },
    hint: `see the service's logs with \`gcloud run services logs read ${o.name} --project=${o.project} --region=${o.region}\`, or wait longer with --timeout`,
  });
  return { kind: "deployed", url, image: o.image!.remote, concurrency: o.concurrency };
}
