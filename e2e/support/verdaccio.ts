import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitForReady } from "@servekit/test-kit";
import { REPO_ROOT } from "./paths.js";

const VERDACCIO_BIN = join(REPO_ROOT, "node_modules/.bin/verdaccio");

/** A Verdaccio registry on loopback with throw-away storage, and a user who may publish. */
export interface LocalRegistry {
  /** e.g. `http://127.0.0.1:4873/` (with the trailing slash npm writes). */
  url: string;
  /** Bearer token of the registry's user, for publishing. */
  token: string;
  /** `//127.0.0.1:4873/:_authToken=…`, the npm config key and value for the token. */
  authConfig: string;
  /** Verdaccio's own output. */
  logFile: string;
  stop(): Promise<void>;
}

/** Why this machine cannot run the local registry, or undefined when it can. */
export function verdaccioMissing(): string | undefined {
  return existsSync(VERDACCIO_BIN)
    ? undefined
    : `Verdaccio is not installed (${VERDACCIO_BIN}); run pnpm install at the repository root`;
}

/**
 * Starts Verdaccio 6 on a free loopback port. `@servekit/*` is served only
 * from what is published to it: projects point that scope at it with an
 * `.npmrc` line, as a company registry for its own packages would be used.
 * Every other package is proxied from the machine's own registry and cached,
 * so a project whose `.npmrc` also says `registry=` to it gets the same
 * package versions in each install, however the registry behind it changes
 * between them.
 */
export async function startVerdaccio(): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "servekit-registry-"));
  const port = await freePort();
  const config = {
    storage: join(dir, "storage"),
    auth: { htpasswd: { file: join(dir, "htpasswd"), max_users: 10 } },
    // A package list fetched once serves the whole suite (maxage).
    uplinks: { machine: { url: machineRegistry(), maxage: "2h", timeout: "120s" } },
    packages: {
      "@servekit/*": { access: "$all", publish: "$authenticated", unpublish: "$authenticated" },
      "**": { access: "$all", publish: "$authenticated", proxy: "machine" },
    },
    listen: `127.0.0.1:${port}`,
    max_body_size: "100mb",
    web: { enable: false },
    log: { type: "stdout", format: "pretty", level: "http" },
  };
  // YAML is a superset of JSON, so the config needs no YAML writer.
  writeFileSync(join(dir, "config.yaml"), JSON.stringify(config, null, 2));
  const logFile = join(dir, "verdaccio.log");
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(VERDACCIO_BIN, ["--config", join(dir, "config.yaml")], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForReady(url, { child, path: "/-/ping", timeoutMs: 60_000, intervalMs: 250 });
    const token = await addUser(url);
    return { url, token, authConfig: `//127.0.0.1:${port}/:_authToken=${token}`, logFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The registry npm uses on this machine (its mirror, where there is one). */
function machineRegistry(): string {
  return execFileSync("npm", ["config", "get", "registry"], { encoding: "utf8" }).trim();
}

/** Creates a user the way `npm adduser` does (CouchDB's user document API) and returns its token. */
async function addUser(url: string): Promise<string> {
  const name = "servekit-ci";
  const res = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, password: "throwaway-password", type: "user", roles: [] }),
  });
  const body = (await res.json()) as { token?: string; error?: string };
  if (!res.ok || !body.token)
    throw new Error(`could not add a registry user: ${res.status} ${body.error}`);
  return body.token;
}
