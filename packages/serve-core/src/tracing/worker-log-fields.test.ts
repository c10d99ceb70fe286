// A real process: a worker's log lines carry the trace ids, and SIGTERM sends the last spans.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";

const CALLER_TRACE = "5bf92f3577b34da6a3ce929d0e0e4737";
const fixture = fileURLToPath(new URL("./traced-server-fixture.ts", import.meta.url));

describe("a traced server process", () => {
  const received: Buffer[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push(Buffer.concat(chunks));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  let child: ChildProcess | undefined;
  afterAll(async () => {
    child?.kill("SIGKILL");
    await new Promise((resolve) => receiver.close(resolve));
  });

  it("puts trace_id on the worker's ctx.log lines, and sends every span on SIGTERM", async () => {
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const { port } = receiver.address() as AddressInfo;
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith("OTEL_")),
    );
    const proc = spawn(process.execPath, ["--import", "tsx", fixture], {
      env: {
        ...env,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        SERVEKIT_LOG_FORMAT: "json",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    child = proc;
    let output = "";
    proc.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    const url = await vi.waitFor(
      () => {
        const found = /\{"fixtureUrl":"([^"]+)"\}/.exec(output);
        if (!found) throw new Error(`not ready yet: ${output}`);
        return found[1]!;
      },
      { timeout: 60_000, interval: 100 },
    );
    const response = await fetch(`${url}/predict`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        traceparent: `00-${CALLER_TRACE}-00f067aa0ba902b7-01`,
      },
      body: JSON.stringify({ text: "hi" }),
    });
    expect(response.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => proc.once("exit", resolve));
    proc.kill("SIGTERM");
    expect(await exited).toBe(0);

    const lines = output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const fromWorker = lines.find((line) => line.msg === "predicting inside user work");
    expect(fromWorker).toMatchObject({ worker: 0, trace_id: CALLER_TRACE });
    expect(fromWorker?.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(lines.find((line) => line.msg === "request")).toMatchObject({ trace_id: CALLER_TRACE });

    const names = received.flatMap((body) =>
      (
        JSON.parse(body.toString("utf8")) as {
          resourceSpans: { scopeSpans: { spans: { name: string; traceId: string }[] }[] }[];
        }
      ).resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) =>
          ss.spans.filter((s) => s.traceId === CALLER_TRACE).map((s) => s.name),
        ),
      ),
    );
    expect(names).toEqual(
      expect.arrayContaining([
        "POST /predict",
        "queue wait",
        "predict",
        "user work",
        "output check",
      ]),
    );
  });
});
