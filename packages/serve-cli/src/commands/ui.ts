import type { AddressInfo } from "node:net";
import { serve as listen } from "@hono/node-server";
import { uiRoutes } from "@servekit/core";
import type { Command } from "commander";
import { Hono } from "hono";
import { CliError, usageError } from "../cli-error.js";
import { optionFlag } from "../option-flag.js";

export interface StandaloneUiOptions {
  /** The backend the UI talks to (it must allow this origin: `cors` in its config). */
  url: string;
  port?: number;
  host?: string;
}

/**
 * Serves only the playground UI, pointed at a remote backend: the two-service
 * setup (UI container + API container). Resolves with the UI's URL.
 *
 * @example
 * const { url } = await serveStandaloneUi({ url: "http://api:8000", port: 8080 });
 */
export async function serveStandaloneUi(
  options: StandaloneUiOptions,
): Promise<{ url: string; close(): void }> {
  let apiUrl: URL;
  try {
    apiUrl = new URL(options.url);
  } catch {
    throw usageError(
      `--url must be an http(s) URL, e.g. http://127.0.0.1:8000; got ${options.url}`,
    );
  }
  const app = new Hono();
  app.get("/", (c) => c.redirect("/ui"));
  app.route("/", uiRoutes({ apiUrl: apiUrl.href.replace(/\/+$/, "") }));
  const host = options.host ?? "0.0.0.0";
  const port = options.port ?? 8080;
  return new Promise((resolve, reject) => {
    const server = listen({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
      const shown = host === "0.0.0.0" ? "127.0.0.1" : host;
      resolve({ url: `http://${shown}:${info.port}`, close: () => server.close() });
    });
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(new CliError(listenProblem(error, host, port), 1, { cause: error }));
    });
  });
}

/** Why the UI could not listen, with what to do instead. */
function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case "EADDRINUSE":
      return `port ${port} on ${host} is already in use; stop what uses it or pick another with --port, e.g. --port ${port + 1}`;
    case "EACCES":
      return `no permission to listen on port ${port} on ${host}; use a port above 1023, e.g. --port 8080`;
    case "EADDRNOTAVAIL":
      return `${host} is not an address of this machine; use --host 127.0.0.1 or 0.0.0.0`;
    default:
      return `cannot listen on ${host}:${port}: ${error.message}`;
  }
}

/** `serve-cli ui`. */
export function registerUiCommand(program: Command): void {
  program
    .command("ui")
    .description("Serve only the playground UI, pointed at a running server (--url)")
    .requiredOption("-u, --url <url>", "the servekit server the UI talks to (enable CORS there)")
    .option("-p, --port <port>", "port for the UI", optionFlag("port", "--port"), 8080)
    .option("-H, --host <host>", "interface to bind (default 0.0.0.0)")
    .addHelpText(
      "after",
      `
The backend must allow the UI's origin: cors: { origin: "http://ui-host:8080" } (or true)
in its serve.config.ts.

Examples:
  $ serve-cli ui --url http://127.0.0.1:8000 --port 8080
  $ serve-cli ui --url http://backend:8000            # in a compose file`,
    )
    .action(async (flags: { url: string; port: number; host?: string }) => {
      const { url } = await serveStandaloneUi(flags);
      process.stderr.write(`\n  servekit UI  ${url}/ui\n  backend      ${flags.url}\n\n`);
    });
}
