import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type AnyPredictor,
  definePredictor,
  file,
  type ModelEntry,
  type RunningServer,
  type ServeOptions,
  serve,
  z,
} from "@servekit/core";

/** Serves predictors inline on a free loopback port, quietly; close it after. */
export async function startServer(
  served: AnyPredictor | ModelEntry[],
  options: ServeOptions = {},
): Promise<RunningServer> {
  const server = await serve(served, {
    host: "127.0.0.1",
    port: 0,
    workers: 0,
    handleSignals: false,
    logLevel: "silent",
    ...options,
  });
  await server.ready;
  return server;
}

/** A file field beside a plain string field: tells what arrived. */
export const fileInfo = definePredictor({
  name: "file-info",
  input: z.object({
    document: file(),
    label: z.string().default(""),
    copies: z.number().int().default(1),
  }),
  output: z.object({
    bytes: z.number(),
    mediaType: z.string(),
    filename: z.string().nullable(),
    label: z.string(),
    copies: z.number(),
  }),
  predict: ({ document, label, copies }) => ({
    bytes: document.data.byteLength,
    mediaType: document.mediaType,
    filename: document.filename ?? null,
    label,
    copies,
  }),
});

/** Streams one item per word; the word "boom" fails mid-stream. */
export const words = definePredictor({
  name: "words",
  stream: true,
  input: z.object({ text: z.string() }),
  output: z.object({ word: z.string(), index: z.number().int() }),
  async *predict({ text }) {
    for (const [index, word] of text.split(" ").entries()) {
      if (word === "boom") throw new Error("the predictor failed on purpose");
      yield { word, index };
    }
  },
});

/** A gate that a predictor waits on, opened by the test. */
export function gate(): { wait: (signal: AbortSignal) => Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    open,
    wait: (signal) =>
      new Promise<void>((resolve, reject) => {
        opened.then(resolve);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
  };
}

/** An echo whose predictions wait for `held` to open. */
export function heldEcho(held: ReturnType<typeof gate>, version = "1.0.0") {
  return definePredictor({
    name: "echo",
    version,
    input: z.object({ text: z.string() }),
    output: z.object({ text: z.string(), version: z.string() }),
    async predict({ text }, { signal }) {
      if (text.startsWith("hold")) await held.wait(signal);
      return { text, version };
    },
  });
}

/** A tiny loopback server whose answers the test scripts, recording each request. */
export async function scriptedServer(
  answer: (request: IncomingMessage, response: ServerResponse, index: number) => void,
): Promise<{
  url: string;
  requests: { method: string; url: string }[];
  close: () => Promise<void>;
}> {
  const requests: { method: string; url: string }[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      requests.push({ method: request.method ?? "", url: request.url ?? "" });
      answer(request, response, requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
