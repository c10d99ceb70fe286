import type { Command } from "commander";
import { deployGce } from "../deploy/deploy-gce.js";
import { registerDeployCloudRun } from "./deploy-cloudrun.js";
import { addEnvFlag, addImageFlags, addRunFlags, type DeployFlags } from "./deploy-flags.js";
import { registerDeployHeroku } from "./deploy-heroku.js";
import { cliDeployDeps, printDeleted, printReady } from "./deploy-output.js";

interface GceFlags extends DeployFlags {
  project: string;
  zone: string;
  machineType: string;
  name: string;
  port: string;
  tag?: string;
  autoscale?: string;
  targetCpu?: string;
  initialDelay?: string;
  loadBalancer?: boolean;
}

/** `serve-cli deploy gce`. */
export function registerDeployCommand(program: Command): void {
  const deploy = program
    .command("deploy")
    .description(
      "Deploy a built image to a cloud (gce: a Compute Engine VM; cloudrun: a Cloud Run service; heroku: a Heroku app)",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ serve-cli deploy gce --project my-project --name yolov5 --image yolov5:latest \\
      --registry us-central1-docker.pkg.dev/my-project/servekit --dry-run
  $ serve-cli deploy cloudrun --project my-project --name yolov5 --image yolov5:latest \\
      --registry us-central1-docker.pkg.dev/my-project/servekit --dry-run
  $ serve-cli deploy heroku --app yolov5-demo --image yolov5:latest --dry-run`,
    );
  registerDeployCloudRun(deploy);
  registerDeployHeroku(deploy);
  const gce = deploy
    .command("gce")
    .description(
      "Push an image to Artifact Registry and run it on a Compute Engine VM or an autoscaled group (Container-Optimized OS)",
    )
    .requiredOption("--project <id>", "Google Cloud project id")
    .requiredOption("--name <vm>", "VM name (lowercase letters, digits, hyphens)");
  addImageFlags(gce, { registry: true })
    .option("--zone <zone>", "Compute Engine zone", "us-central1-a")
    .option("--machine-type <type>", "machine type of the VM", "e2-standard-2")
    .option("-p, --port <port>", "port the server listens on, opened in the firewall", "8000");
  addEnvFlag(gce).option(
    "--tag <tag>",
    "network tag of the VM, the firewall rule's target (default: servekit-<port>)",
  );
  addRunFlags(gce, "delete what deploy made (VM or group, rules, load balancer) instead")
    .option(
      "--autoscale <min:max>",
      "run a managed instance group of MIN to MAX VMs with autohealing and an autoscaler",
    )
    .option("--target-cpu <0-1>", "CPU utilisation the autoscaler keeps (default: 0.6)")
    .option(
      "--initial-delay <seconds>",
      "time a new group VM gets to boot and load the model before health checks count (default: 300)",
    )
    .option("--load-balancer", "put an external HTTP load balancer (port 80) in front of the group")
    .addHelpText(
      "after",
      `
Runs gcloud (https://cloud.google.com/sdk/docs/install; gcloud auth login first) and
your container tool. The VM runs Container-Optimized OS with a cloud-init unit that runs
the image; re-running gives it the new user-data and resets it. With --autoscale, a managed
instance group instead, and re-running with a new image starts a rolling update.
Progress goes to stderr; the server's URL (or the --dry-run commands) to stdout.

Examples:
  $ serve-cli deploy gce --project my-project --name yolov5 --image yolov5:latest \\
      --registry us-central1-docker.pkg.dev/my-project/servekit --dry-run
  $ serve-cli deploy gce --project my-project --name yolov5 --image yolov5:latest \\
      --registry us-central1-docker.pkg.dev/my-project/servekit -e LOG_LEVEL=debug
  $ serve-cli deploy gce --project my-project --name yolov5 --image yolov5:latest \\
      --registry us-central1-docker.pkg.dev/my-project/servekit --autoscale 2:5 --load-balancer
  $ serve-cli deploy gce --project my-project --name yolov5 --delete`,
    )
    .action(async (flags: GceFlags) => {
      const result = await deployGce(
        {
          project: flags.project,
          zone: flags.zone,
          machineType: flags.machineType,
          name: flags.name,
          port: flags.port,
          registry: flags.registry,
          image: flags.image,
          env: flags.env ?? [],
          networkTag: flags.tag,
          timeoutSeconds: flags.timeout,
          builder: flags.builder,
          dryRun: flags.dryRun ?? false,
          delete: flags.delete ?? false,
          autoscale: flags.autoscale,
          targetCpu: flags.targetCpu,
          initialDelaySeconds: flags.initialDelay,
          loadBalancer: flags.loadBalancer,
        },
        cliDeployDeps(flags.builder),
      );
      switch (result.kind) {
        case "dry-run":
          process.stdout.write(result.script);
          break;
        case "deployed":
          printReady(
            `${flags.name} is ready (${result.created ? "created" : "updated"})`,
            result.url,
          );
          break;
        case "deployed-group":
          process.stderr.write(
            `\n  group ${result.group} is ${result.created ? "created" : result.rolled ? "rolling to the new image" : "up to date"}` +
              (result.url
                ? `: ${result.url}\n  docs ${result.url}/docs   UI ${result.url}/ui\n\n`
                : `; its VMs: ${result.listVms}\n\n`),
          );
          if (result.url) process.stdout.write(`${result.url}\n`);
          break;
        case "deleted":
          printDeleted(result.removed);
          break;
        default: {
          const unexpected: never = result;
          throw new TypeError(`unexpected deploy result ${JSON.stringify(unexpected)}`);
        }
      }
    });
}
