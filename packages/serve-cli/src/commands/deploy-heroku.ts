import type { Command } from "commander";
import { deployHeroku } from "../deploy/deploy-heroku.js";
import { addEnvFlag, addImageFlags, addRunFlags, type DeployFlags } from "./deploy-flags.js";
import { cliDeployDeps, printDeleted, printReady } from "./deploy-output.js";

interface HerokuFlags extends DeployFlags {
  app: string;
  region?: string;
  team?: string;
}

/**
 * `serve-cli deploy heroku`: push the image to Heroku's registry and release it.
 *
 * @example
 * registerDeployHeroku(program.command("deploy"));
 */
export function registerDeployHeroku(deploy: Command): void {
  const heroku = deploy
    .command("heroku")
    .description("Push an image to Heroku's container registry and release it as the web process")
    .requiredOption(
      "--app <name>",
      "Heroku app (created on the container stack if it does not exist)",
    );
  addImageFlags(heroku, { registry: false })
    .option("--region <region>", "region of a new app (us, eu)")
    .option("--team <team>", "team that owns a new app");
  addEnvFlag(heroku, "config var of the app");
  addRunFlags(heroku, "destroy the app instead of deploying")
    .addHelpText(
      "after",
      `
Runs the Heroku CLI (https://devcenter.heroku.com/articles/heroku-cli; heroku login
first) and your container tool. The server listens on the $PORT Heroku assigns.
Progress goes to stderr; the app's URL (or the --dry-run commands) to stdout.

Examples:
  $ serve-cli deploy heroku --app yolov5-demo --image yolov5:latest --dry-run
  $ serve-cli deploy heroku --app yolov5-demo --image yolov5:latest -e LOG_LEVEL=debug
  $ serve-cli deploy heroku --app yolov5-demo --delete`,
    )
    .action(async (flags: HerokuFlags) => {
      const result = await deployHeroku(
        {
          app: flags.app,
          image: flags.image,
          region: flags.region,
          team: flags.team,
          env: flags.env ?? [],
          timeoutSeconds: flags.timeout,
          dryRun: flags.dryRun ?? false,
          delete: flags.delete ?? false,
        },
        cliDeployDeps(flags.builder),
      );
      switch (result.kind) {
        case "dry-run":
          process.stdout.write(result.script);
          break;
        case "deployed":
          printReady(
            `${flags.app} is ready (${result.created ? "created" : "updated"})`,
            result.url,
          );
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
