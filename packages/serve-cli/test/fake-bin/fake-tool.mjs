// Stand-ins for `gcloud` and `docker` in serve-cli's tests. gcloud cannot be
// reached from the test machines (no network, no credentials), so `deploy gce`
// is tested against these: each call is appended as a JSON argv line to the
// file named by FAKE_BIN_LOG, and gcloud answers from a JSON state file
// (FAKE_GCLOUD_STATE) the way the real one would: `describe` of something
// absent exits 1 with "was not found", `create` makes it exist, and so on.
//
// FAKE_GCLOUD_NAT_IP   the VM's external IP in `instances describe` (default 127.0.0.1)
// FAKE_GCLOUD_FAIL     an argument (e.g. "create-with-container") whose command fails
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";

/** Runs as the program named by `scriptPath` (gcloud or docker). */
export function main(scriptPath, args) {
  const bin = basename(scriptPath);
  try {
    if (bin === "gcloud") gcloud(args);
    else if (bin === "docker") docker(args);
    else fail(70, `fake-tool: no fake for "${bin}"`);
  } catch (error) {
    fail(70, `fake-tool crashed: ${error?.stack ?? error}`);
  }
}

function record(bin, args) {
  const log = process.env.FAKE_BIN_LOG;
  if (!log) return fail(70, "fake-tool: set FAKE_BIN_LOG to the file that records calls");
  appendFileSync(log, `${JSON.stringify([bin, ...args])}\n`);
}

function fail(code, message) {
  process.stderr.write(`${message}\n`);
  process.exitCode = code;
}

function docker(args) {
  // Detection probes say "installed, engine running"; they are not what deploy runs, so not recorded.
  if (args[0] === "info") return void process.stdout.write("27.0.0-fake\n");
  if (args[0] === "--version") return void process.stdout.write("Docker version 27.0.0-fake\n");
  record("docker", args);
  if (args[0] === "tag" && args.length === 3) return;
  if (args[0] === "push" && args.length === 2) {
    process.stdout.write(`The push refers to repository [${args[1].replace(/:[^:/]*$/, "")}]\n`);
    process.stdout.write("latest: digest: sha256:0123456789abcdef size: 1234\n");
    return;
  }
  fail(2, `fake docker: unexpected arguments ${JSON.stringify(args)}`);
}

function gcloud(args) {
  record("gcloud", args);
  const [group, kind, verb, name] = args;
  const flags = Object.fromEntries(
    args
      .filter((a) => a.startsWith("--"))
      .map((a) => [a.slice(2).split("=")[0], a.split("=").slice(1).join("=")]),
  );
  const command = `gcloud.${group}.${kind}.${verb}`;
  if (process.env.FAKE_GCLOUD_FAIL && args.includes(process.env.FAKE_GCLOUD_FAIL))
    return fail(
      1,
      `ERROR: (${command}) Could not fetch resource:\n - Quota 'CPUS' exceeded.  Limit: 0.0 in region us-central1.`,
    );
  if (group !== "compute" || !name || !flags.project)
    return fail(2, `ERROR: (fake gcloud) unexpected arguments ${JSON.stringify(args)}`);

  const state = load();
  const project = flags.project;
  if (kind === "instances") {
    if (!flags.zone) return fail(2, `ERROR: (${command}) fake gcloud wants --zone`);
    const path = `projects/${project}/zones/${flags.zone}/instances/${name}`;
    const vm = state.instances[path];
    const notFound = () =>
      fail(
        1,
        `ERROR: (${command}) Could not fetch resource:\n - The resource '${path}' was not found\n`,
      );
    switch (verb) {
      case "describe":
        if (!vm) return notFound();
        return void process.stdout.write(`${JSON.stringify(describeVm(name, vm), null, 2)}\n`);
      case "create-with-container":
        if (vm) return fail(1, `ERROR: (${command}) The resource '${path}' already exists`);
        state.instances[path] = {
          image: flags["container-image"],
          env: flags["container-env"],
          tags: flags.tags,
        };
        save(state);
        return void process.stderr.write(
          `Created [https://www.googleapis.com/compute/v1/${path}].\n`,
        );
      case "update-container":
        if (!vm) return notFound();
        state.instances[path] = {
          ...vm,
          image: flags["container-image"],
          env: flags["container-env"],
        };
        save(state);
        return void process.stderr.write(
          `Updated [https://www.googleapis.com/compute/v1/${path}].\n`,
        );
      case "delete":
        if (!vm) return notFound();
        delete state.instances[path];
        save(state);
        return void process.stderr.write(
          `Deleted [https://www.googleapis.com/compute/v1/${path}].\n`,
        );
    }
  }
  if (kind === "firewall-rules") {
    const path = `projects/${project}/global/firewalls/${name}`;
    const rule = state.firewalls[path];
    const notFound = () =>
      fail(
        1,
        `ERROR: (${command}) Could not fetch resource:\n - The resource '${path}' was not found\n`,
      );
    switch (verb) {
      case "describe":
        if (!rule) return notFound();
        return void process.stdout.write(`${JSON.stringify({ name, ...rule }, null, 2)}\n`);
      case "create":
        if (rule) return fail(1, `ERROR: (${command}) The resource '${path}' already exists`);
        state.firewalls[path] = { allowed: flags.allow, targetTags: [flags["target-tags"]] };
        save(state);
        return void process.stderr.write(
          `Created [https://www.googleapis.com/compute/v1/${path}].\n`,
        );
      case "delete":
        if (!rule) return notFound();
        delete state.firewalls[path];
        save(state);
        return void process.stderr.write(
          `Deleted [https://www.googleapis.com/compute/v1/${path}].\n`,
        );
    }
  }
  return fail(2, `ERROR: (fake gcloud) unexpected arguments ${JSON.stringify(args)}`);
}

function describeVm(name, vm) {
  return {
    name,
    status: "RUNNING",
    tags: { items: [vm.tags] },
    networkInterfaces: [
      {
        accessConfigs: [
          { name: "external-nat", natIP: process.env.FAKE_GCLOUD_NAT_IP ?? "127.0.0.1" },
        ],
      },
    ],
  };
}

function statePath() {
  const path = process.env.FAKE_GCLOUD_STATE;
  if (!path) throw new Error("set FAKE_GCLOUD_STATE to the fake project's JSON state file");
  return path;
}

function load() {
  const path = statePath();
  const state = existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : {};
  return { instances: {}, firewalls: {}, ...state };
}

function save(state) {
  writeFileSync(statePath(), JSON.stringify(state, null, 2));
}
