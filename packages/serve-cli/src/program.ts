import { Command } from "commander";

/**
 * Every command, with the summary `serve-cli --help` lists and the module
 * that defines it. A module is imported only when its command runs: they pull
 * in @servekit/core (sharp, zod, hono), which `--version` and `--help` never need.
 */
export const COMMANDS: {
  name: string;
  summary: string;
  load: () => Promise<(program: Command) => void>;
}[] = [
  {
    name: "init",
    summary: "Scaffold a predictor project that passes its own test after install",
    load: async () => (await import("./commands/init.js")).registerInitCommand,
  },
  {
    name: "run",
    summary: "Serve one predictor or several over HTTP (flags override serve.config.ts)",
    load: async () => (await import("./commands/run.js")).registerRunCommand,
  },
  {
    name: "compile",
    summary: "Transpile a project's TypeScript to .servekit/build, which run then loads",
    load: async () => (await import("./commands/compile.js")).registerCompileCommand,
  },
  {
    name: "predict",
    summary: "Run one prediction, in-process or against a running server (--url)",
    load: async () => (await import("./commands/predict.js")).registerPredictCommand,
  },
  {
    name: "batch",
    summary: "Run a predictor over a JSONL file, CSV file or folder; resumable JSONL output",
    load: async () => (await import("./commands/batch.js")).registerBatchCommand,
  },
  {
    name: "consume",
    summary: "Consume a Redis stream with a predictor (a consumer group), without HTTP",
    load: async () => (await import("./commands/consume.js")).registerConsumeCommand,
  },
  {
    name: "openapi",
    summary: "Print the OpenAPI 3.1 document of a predictor (for client generators)",
    load: async () => (await import("./commands/openapi.js")).registerOpenApiCommand,
  },
  {
    name: "release",
    summary: "Move a model's traffic between versions on a running server (--url)",
    load: async () => (await import("./commands/release.js")).registerReleaseCommand,
  },
  {
    name: "ui",
    summary: "Serve only the playground UI, pointed at a running server (--url)",
    load: async () => (await import("./commands/ui.js")).registerUiCommand,
  },
  {
    name: "bench",
    summary: "Load test a running server: closed loop at concurrencies, open loop at rates",
    load: async () => (await import("./commands/bench.js")).registerBenchCommand,
  },
  {
    name: "weights",
    summary: "Pull, inspect, verify and lock the weight files predictors declare",
    load: async () => (await import("./commands/weights.js")).registerWeightsCommand,
  },
  {
    name: "build",
    summary: "Build a container image of a predictor (docker, podman or buildah)",
    load: async () => (await import("./commands/build.js")).registerBuildCommands,
  },
  {
    name: "dockerfile",
    summary: "Print the Dockerfile `serve-cli build` would use",
    load: async () => (await import("./commands/build.js")).registerBuildCommands,
  },
  {
    name: "compose",
    summary: "Write a docker-compose.yml for a predictor image (API, optionally the UI)",
    load: async () => (await import("./commands/compose.js")).registerComposeCommand,
  },
  {
    name: "k8s",
    summary:
      "Write Kubernetes manifests for a predictor image (Deployment, Service, PDB, autoscaler)",
    load: async () => (await import("./commands/k8s.js")).registerK8sCommand,
  },
  {
    name: "deploy",
    summary:
      "Deploy a built image to a cloud (gce: a Compute Engine VM; cloudrun: a Cloud Run service; heroku: a Heroku app)",
    load: async () => (await import("./commands/deploy.js")).registerDeployCommand,
  },
];

/** The command a command line names (`run` in `serve-cli --debug run .`, `help run` too). */
function commandIn(argv: string[]): string | undefined {
  const operands = argv.slice(2).filter((arg) => !arg.startsWith("-"));
  return operands[0] === "help" ? operands[1] : operands[0];
}

/**
 * The serve-cli command tree for a command line: the command it names is
 * defined in full (its module imported), the others by name and summary
 * only; with no `argv`, every command in full. Commander's own exits are
 * turned into exceptions, so only the binary's entry decides the exit code.
 *
 * @example
 * await (await createProgram("1.0.0", process.argv)).parseAsync(process.argv);
 */
export async function createProgram(version: string, argv?: string[]): Promise<Command> {
  const program = new Command("serve-cli")
    .description("Run, query and package servekit predictors")
    .version(version, "-v, --version")
    .option("--debug", "show stack traces on errors")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .addHelpText(
      "after",
      `
Examples:
  $ serve-cli init my-model
  $ serve-cli run examples/yolov5 --port 8000
  $ serve-cli predict examples/yolov5 -i image=@../shared/images/bus.jpg
  $ serve-cli openapi examples/yolov5 > openapi.json`,
    );
  const wanted = argv ? commandIn(argv) : undefined;
  const full = COMMANDS.filter(({ name }) => argv === undefined || name === wanted);
  // build.js defines both `build` and `dockerfile`: register each module once.
  for (const register of new Set(await Promise.all(full.map(({ load }) => load())))) {
    register(program);
  }
  for (const { name, summary } of COMMANDS) {
    if (!program.commands.some((c) => c.name() === name))
      program.command(name).description(summary);
  }
  // --help lists them in the table's order, whichever were defined in full.
  const order = COMMANDS.map((c) => c.name);
  (program.commands as Command[]).sort((a, b) => order.indexOf(a.name()) - order.indexOf(b.name()));
  for (const command of program.commands)
    command.exitOverride().showHelpAfterError("(add --help for usage)");
  return program;
}
