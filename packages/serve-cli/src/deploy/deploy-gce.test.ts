import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import type { ContainerTool } from "../container/container-tool.js";
import type { CommandResult, CommandRunner } from "./command-runner.js";
import { deployGce } from "./deploy-gce.js";
import type { GceDeployOptions } from "./gce-options.js";

// gcloud cannot be reached here: these tests run deployGce against an
// in-memory runner that answers like gcloud does.

const options: GceDeployOptions = {
  project: "my-project",
  name: "yolov5",
  image: "yolov5:latest",
  registry: "us-central1-docker.pkg.dev/my-project/servekit",
  timeoutSeconds: 60,
};
const NOT_FOUND = (what: string) =>
  `ERROR: (gcloud.compute.${what}.describe) Could not fetch resource:\n - The resource 'projects/my-project/x' was not found\n`;

/** A container tool that records what it is asked; deploy only needs its command lines. */
function fakeTool(): ContainerTool & { calls: string[] } {
  const calls: string[] = [];
  const refuse = async () => {
    throw new Error("deploy must run the planned command lines, not the tool's methods");
  };
  return {
    calls,
    name: "docker",
    build: refuse,
    tag: refuse,
    push: refuse,
    imageSize: refuse,
    commandLine(action, ...args) {
      calls.push(action);
      return ["docker", action, ...args];
    },
  };
}

/** Answers like gcloud and docker, keeping the VM and rule in memory. */
function fakeRunner(world: { vm: boolean; rule: boolean; fail?: string; natIP?: string | null }) {
  const ran: string[][] = [];
  const runner: CommandRunner & { ran: string[][] } = {
    ran,
    async run(argv, opts): Promise<CommandResult> {
      ran.push([...argv]);
      const [, , kind, verb] = argv;
      const ok = (stdout = ""): CommandResult => ({ code: 0, stdout, stderr: "" });
      if (world.fail && argv.includes(world.fail))
        return { code: 1, stdout: "", stderr: `ERROR: (gcloud) ${world.fail} went wrong\n` };
      if (argv[0] === "docker") {
        opts?.onOutput?.(`${argv[1]} done`);
        return ok();
      }
      if (kind === "instances" && verb === "describe") {
        if (!world.vm) return { code: 1, stdout: "", stderr: NOT_FOUND("instances") };
        const natIP = world.natIP === undefined ? "127.0.0.1" : world.natIP;
        return ok(
          JSON.stringify({
            networkInterfaces: [{ accessConfigs: natIP === null ? [] : [{ natIP }] }],
          }),
        );
      }
      if (kind === "firewall-rules" && verb === "describe")
        return world.rule && argv[4] === "servekit-allow-8000"
          ? ok('{"name":"servekit-allow-8000"}')
          : { code: 1, stdout: "", stderr: NOT_FOUND("firewall-rules") };
      // No group deployment exists in this world: `delete` finds none of its parts.
      if (argv.includes("describe")) return { code: 1, stdout: "", stderr: NOT_FOUND(kind!) };
      if (kind === "instance-templates" && verb === "list") return ok("");
      if (kind === "instances" && verb === "create") world.vm = true;
      if (kind === "instances" && verb === "delete") world.vm = false;
      if (kind === "firewall-rules" && verb === "create") world.rule = true;
      if (kind === "firewall-rules" && verb === "delete") world.rule = false;
      opts?.onOutput?.(`Created [${argv[4]}].`);
      return ok();
    },
  };
  return runner;
}

/** A clock that only moves when the wait sleeps, and a fetch with scripted answers. */
function readiness(answers: (number | Error)[]) {
  let t = 0;
  const urls: string[] = [];
  return {
    urls,
    deps: {
      now: () => t,
      sleep: async (ms: number) => {
        t += ms;
      },
      fetch: (async (url: string | URL | Request) => {
        urls.push(String(url));
        const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
        if (answer instanceof Error) throw answer;
        return new Response("{}", { status: answer });
      }) as typeof fetch,
    },
  };
}

const verbs = (ran: string[][]) => ran.map((argv) => argv.slice(0, 4).join(" "));

describe("deployGce", () => {
  it("checks, pushes, creates the VM and the rule, then waits for /health/ready", async () => {
    const runner = fakeRunner({ vm: false, rule: false });
    const wait = readiness([new TypeError("fetch failed"), 503, 200]);
    const log: string[] = [];
    const result = await deployGce(options, {
      containerTool: fakeTool(),
      runner,
      log: (line) => log.push(line),
      readiness: wait.deps,
    });
    expect(result).toEqual({
      kind: "deployed",
      url: "http://127.0.0.1:8000",
      created: true,
      image: "us-central1-docker.pkg.dev/my-project/servekit/yolov5:latest",
    });
    expect(verbs(runner.ran)).toEqual([
      "gcloud compute instances describe",
      "gcloud compute firewall-rules describe",
      "docker tag yolov5:latest us-central1-docker.pkg.dev/my-project/servekit/yolov5:latest",
      "docker push us-central1-docker.pkg.dev/my-project/servekit/yolov5:latest",
      "gcloud compute instances create",
      "gcloud compute firewall-rules create",
      "gcloud compute instances describe",
    ]);
    expect(wait.urls).toEqual(Array(3).fill("http://127.0.0.1:8000/health/ready"));
    expect(log).toContain("→ Push us-central1-docker.pkg.dev/my-project/servekit/yolov5:latest");
    expect(log).toContain("    push done");
    expect(log).toContain("    not ready yet: HTTP 503");
  });

  it("gives an existing VM the new user-data, resets it, and leaves an existing rule alone", async () => {
    const runner = fakeRunner({ vm: true, rule: true });
    const result = await deployGce(options, {
      containerTool: async () => fakeTool(),
      runner,
      readiness: readiness([200]).deps,
    });
    expect(result).toMatchObject({ kind: "deployed", created: false });
    expect(verbs(runner.ran).filter((v) => v.startsWith("gcloud"))).toEqual([
      "gcloud compute instances describe",
      "gcloud compute firewall-rules describe",
      "gcloud compute instances add-metadata",
      "gcloud compute instances reset",
      "gcloud compute instances describe",
    ]);
  });

  it("fails naming the step and showing gcloud's error when a command fails", async () => {
    const runner = fakeRunner({ vm: false, rule: false, fail: "--image-family=cos-stable" });
    const error = await deployGce(options, { containerTool: fakeTool(), runner }).catch((e) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(
      /^step "Create VM yolov5 \(e2-standard-2, Container-Optimized OS\) running the image" failed: `gcloud compute instances create yolov5 .*` exited 1:\nERROR: \(gcloud\) --image-family=cos-stable went wrong$/,
    );
    expect(verbs(runner.ran).at(-1)).toBe("gcloud compute instances create");
  });

  it("stops before pushing when gcloud cannot even describe (not logged in), instead of assuming absence", async () => {
    const runner = fakeRunner({ vm: false, rule: false });
    runner.run = async (argv) => {
      runner.ran.push([...argv]);
      return {
        code: 1,
        stdout: "",
        stderr:
          "ERROR: (gcloud.compute.instances.describe) You do not currently have an active account selected.\n",
      };
    };
    const error = await deployGce(options, { containerTool: fakeTool(), runner }).catch((e) => e);
    expect(error.message).toContain("could not check whether VM yolov5 exists");
    expect(error.message).toContain("You do not currently have an active account selected.");
    expect(runner.ran).toHaveLength(1);
  });

  it("says how to get an external IP when the VM has none", async () => {
    const runner = fakeRunner({ vm: false, rule: true, natIP: null });
    const error = await deployGce(options, { containerTool: fakeTool(), runner }).catch((e) => e);
    expect(error.message).toContain("VM yolov5 has no external IP");
    expect(error.message).toContain("gcloud compute instances add-access-config yolov5");
  });

  it("gives up after the timeout with the last answer and where to look", async () => {
    const runner = fakeRunner({ vm: true, rule: true });
    const wait = readiness([503]);
    const error = await deployGce(options, {
      containerTool: fakeTool(),
      runner,
      readiness: wait.deps,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error.message).toContain(
      "http://127.0.0.1:8000/health/ready did not answer 200 within 60 s (last: HTTP 503)",
    );
    expect(error.message).toContain(
      "gcloud compute instances get-serial-port-output yolov5 --project=my-project --zone=us-central1-a",
    );
    // Polled every 5 s: at 0, 5, …, 60 s.
    expect(wait.urls).toHaveLength(13);
  });

  it("deletes the VM and the rule, and only what exists", async () => {
    const runner = fakeRunner({ vm: true, rule: true });
    const del = { project: "my-project", name: "yolov5", delete: true };
    expect(await deployGce(del, { runner })).toEqual({
      kind: "deleted",
      removed: ["VM yolov5", "firewall rule servekit-allow-8000"],
    });
    // It also looks for a group of that name (there is none here) and deletes only what exists.
    const changes = runner.ran.filter(
      (argv) => !argv.includes("describe") && !argv.includes("list"),
    );
    expect(verbs(changes)).toEqual([
      "gcloud compute instances delete",
      "gcloud compute firewall-rules delete",
    ]);
    expect(runner.ran.at(-3)).toEqual([
      "gcloud",
      "compute",
      "instance-templates",
      "list",
      "--project=my-project",
      "--filter=name~^yolov5-[0-9a-f]{8}$",
      "--format=value(name)",
    ]);
    expect(await deployGce(del, { runner })).toEqual({ kind: "deleted", removed: [] });
  });

  it("runs nothing on a dry run and prints a script with its assumptions", async () => {
    const runner = fakeRunner({ vm: false, rule: false });
    const tool = fakeTool();
    const result = await deployGce(
      { ...options, dryRun: true, env: ["GREETING=hello world"] },
      { containerTool: tool, runner },
    );
    expect(runner.ran).toEqual([]);
    expect(tool.calls).toEqual(["tag", "push"]);
    if (result.kind !== "dry-run") throw new Error(`expected a dry run, got ${result.kind}`);
    const lines = result.script.split("\n");
    expect(lines[0]).toBe("# Dry run: nothing was run.");
    expect(result.script).toContain('# Assuming the VM "yolov5" does not exist yet');
    expect(lines).toContain(
      "#   gcloud compute instances describe yolov5 --project=my-project --zone=us-central1-a --format=json",
    );
    expect(lines).toContain(
      "docker tag yolov5:latest us-central1-docker.pkg.dev/my-project/servekit/yolov5:latest",
    );
    expect(lines).toContain(
      "gcloud compute instances create yolov5 --project=my-project --zone=us-central1-a --machine-type=e2-standard-2 --image-family=cos-stable --image-project=cos-cloud --metadata-from-file=user-data=yolov5.user-data.yaml --tags=servekit-8000",
    );
    // The script writes the user-data file it reads, before the first command.
    const heredoc = lines.indexOf("cat > yolov5.user-data.yaml <<'SERVEKIT_USER_DATA'");
    expect(heredoc).toBeGreaterThan(0);
    expect(heredoc).toBeLessThan(lines.indexOf(lines.find((l) => l.startsWith("docker tag"))!));
    expect(lines[heredoc + 1]).toBe("#cloud-config");
    expect(lines).toContain("      GREETING=hello world");
    expect(lines).toContain("SERVEKIT_USER_DATA");
    expect(lines).toContain(
      "gcloud compute firewall-rules create servekit-allow-8000 --project=my-project --allow=tcp:8000 --target-tags=servekit-8000 --source-ranges=0.0.0.0/0 '--description=servekit: HTTP on port 8000 for VMs tagged servekit-8000'",
    );
    expect(result.script).toContain(
      "# Then: wait up to 60 s for http://EXTERNAL_IP:8000/health/ready",
    );
  });

  it("dry-runs a delete without a container tool", async () => {
    const runner = fakeRunner({ vm: false, rule: false });
    const result = await deployGce(
      { project: "my-project", name: "yolov5", delete: true, dryRun: true },
      { runner },
    );
    expect(runner.ran).toEqual([]);
    expect(result.kind === "dry-run" && result.script).toContain(
      "gcloud compute instances delete yolov5 --project=my-project --zone=us-central1-a --quiet\n",
    );
  });

  it("validates before touching anything", async () => {
    const runner = fakeRunner({ vm: false, rule: false });
    const error = await deployGce(
      { ...options, port: 70_000 },
      { containerTool: fakeTool(), runner },
    ).catch((e) => e);
    expect(error.exitCode).toBe(2);
    expect(runner.ran).toEqual([]);
  });
});
