// A stand-in for `docker` in serve-cli's deploy tests (the registry cannot be
// reached from the test machines): each call is appended as a JSON argv line
// to the file named by FAKE_BIN_LOG; `tag` and `push` succeed as docker's
// would, and the detection probes (`info`, `--version`) say it is installed.
// The deploy targets' own CLIs are faked beside their tests (e.g.
// src/deploy/deploy-gce.fake-gcloud.mjs).
import { appendFileSync } from "node:fs";
import { basename } from "node:path";

/** Runs as the program named by `scriptPath` (docker). */
export function main(scriptPath, args) {
  const bin = basename(scriptPath);
  try {
    if (bin === "docker") docker(args);
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
