// A stand-in for `gcloud compute` in deploy-gce.cli.test.ts. gcloud cannot be
// reached from the test machines (no network, no credentials), so the test
// puts a `gcloud` that runs this first on PATH. Each call is appended as a
// JSON argv line to FAKE_BIN_LOG; answers come from a JSON state file
// (FAKE_GCLOUD_STATE) the way the real gcloud answers: `describe` of
// something absent exits 1 with "was not found", `create` of something
// present exits 1 with "already exists", a group cannot be made from a
// template that does not exist, and so on. `--metadata-from-file=user-data=F`
// stores F's text, so a test can read what a VM or template would boot with.
//
// FAKE_GCLOUD_NAT_IP  every VM's external IP (default 127.0.0.1)
// FAKE_GCLOUD_LB_IP   the forwarding rule's IP (default 127.0.0.1)
// FAKE_GCLOUD_FAIL    an argument (e.g. "create") whose command fails
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

/** Runs as `gcloud` with `args`. */
export function main(args) {
  try {
    gcloud(args);
  } catch (error) {
    fail(70, `fake gcloud crashed: ${error?.stack ?? error}`);
  }
}

function fail(code, message) {
  process.stderr.write(`${message}\n`);
  process.exitCode = code;
}

function gcloud(args) {
  const log = process.env.FAKE_BIN_LOG;
  if (!log) return fail(70, "fake gcloud: set FAKE_BIN_LOG to the file that records calls");
  appendFileSync(log, `${JSON.stringify(["gcloud", ...args])}\n`);
  const flags = Object.fromEntries(
    args
      .filter((a) => a.startsWith("--"))
      .map((a) => [a.slice(2).split("=")[0], a.split("=").slice(1).join("=")]),
  );
  let [group, kind, ...rest] = args.filter((a) => !a.startsWith("--"));
  if (kind === "instance-groups" && rest[0] === "managed") {
    kind = "instance-groups managed";
    rest = rest.slice(1);
  }
  let verb = rest.shift();
  if (verb === "rolling-action") verb = `rolling-action ${rest.shift()}`;
  if (kind === "health-checks" && verb === "create") rest.shift(); // the protocol, "http"
  const name = rest[0];
  const command = `gcloud.${group}.${kind}.${verb}`.replaceAll(" ", ".");
  if (process.env.FAKE_GCLOUD_FAIL && args.includes(process.env.FAKE_GCLOUD_FAIL))
    return fail(
      1,
      `ERROR: (${command}) Could not fetch resource:\n - Quota 'CPUS' exceeded.  Limit: 0.0 in region us-central1.`,
    );
  if (group !== "compute" || !flags.project || (!name && verb !== "list"))
    return fail(2, `ERROR: (fake gcloud) unexpected arguments ${JSON.stringify(args)}`);

  const state = load();
  // `instance-groups set-named-ports` acts on the managed group of that name.
  const key = (k, n) => `${k === "instance-groups" ? "instance-groups managed" : k}/${n}`;
  const here = state[key(kind, name)];
  const path = `projects/${flags.project}/${kind.replace(" ", "/")}/${name}`;
  const notFound = (p = path) =>
    fail(
      1,
      `ERROR: (${command}) Could not fetch resource:\n - The resource '${p}' was not found\n`,
    );
  const done = (what) => {
    save(state);
    process.stderr.write(`${what} [https://www.googleapis.com/compute/v1/${path}].\n`);
  };
  const userData = () => {
    const file = flags["metadata-from-file"]?.replace(/^user-data=/, "");
    return file ? readFileSync(file, "utf8") : undefined;
  };

  switch (verb) {
    case "describe":
      if (!here) return notFound();
      return void process.stdout.write(`${JSON.stringify(describe(kind, name, here), null, 2)}\n`);
    case "list": {
      const pattern = new RegExp((flags.filter ?? "").replace(/^name~/, ""));
      const names = Object.keys(state)
        .filter((k) => k.startsWith(`${kind}/`))
        .map((k) => k.slice(kind.length + 1))
        .filter((n) => pattern.test(n));
      return void process.stdout.write(names.map((n) => `${n}\n`).join(""));
    }
    case "create": {
      if (here) return fail(1, `ERROR: (${command}) The resource '${path}' already exists`);
      if (kind === "instance-groups managed") {
        if (!state[key("instance-templates", flags.template)])
          return notFound(`projects/${flags.project}/global/instanceTemplates/${flags.template}`);
        if (!state[key("health-checks", flags["health-check"])])
          return notFound(`projects/${flags.project}/global/healthChecks/${flags["health-check"]}`);
      }
      state[key(kind, name)] = { ...flags, userData: userData() };
      return done("Created");
    }
    case "delete":
      if (!here) return notFound();
      delete state[key(kind, name)];
      return done("Deleted");
    case "add-metadata":
      if (!here) return notFound();
      here.userData = userData();
      return done("Updated");
    case "reset":
    case "wait-until":
      return here ? done(verb === "reset" ? "Reset" : "Group is stable") : notFound();
    case "rolling-action start-update": {
      if (!here) return notFound();
      const template = flags.version.replace(/^template=/, "");
      if (!state[key("instance-templates", template)])
        return notFound(`projects/${flags.project}/global/instanceTemplates/${template}`);
      here.template = template;
      return done("Updated");
    }
    case "set-named-ports":
    case "set-autoscaling":
    case "add-backend":
      if (!here) return notFound();
      here[verb] = flags;
      return done("Updated");
  }
  return fail(2, `ERROR: (fake gcloud) unexpected arguments ${JSON.stringify(args)}`);
}

function describe(kind, name, resource) {
  if (kind === "instances")
    return {
      name,
      status: "RUNNING",
      networkInterfaces: [
        { accessConfigs: [{ natIP: process.env.FAKE_GCLOUD_NAT_IP ?? "127.0.0.1" }] },
      ],
    };
  if (kind === "instance-groups managed")
    return {
      name,
      instanceTemplate: `https://www.googleapis.com/compute/v1/projects/p/global/instanceTemplates/${resource.template}`,
      targetSize: Number(resource.size),
    };
  if (kind === "forwarding-rules")
    return { name, IPAddress: process.env.FAKE_GCLOUD_LB_IP ?? "127.0.0.1", portRange: "80-80" };
  return { name };
}

function statePath() {
  const path = process.env.FAKE_GCLOUD_STATE;
  if (!path) throw new Error("set FAKE_GCLOUD_STATE to the fake project's JSON state file");
  return path;
}

function load() {
  return existsSync(statePath()) ? JSON.parse(readFileSync(statePath(), "utf8")) : {};
}

function save(state) {
  writeFileSync(statePath(), JSON.stringify(state, null, 2));
}
