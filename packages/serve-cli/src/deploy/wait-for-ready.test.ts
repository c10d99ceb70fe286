import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { freePort } from "@servekit/test-kit";
import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import { waitForReady } from "./wait-for-ready.js";

describe("waitForReady", () => {
  it("polls a real loopback server until it answers 200", async () => {
    let hits = 0;
    const server = createServer((req, res) => {
      hits++;
      res.writeHead(req.url === "/health/ready" && hits >= 3 ? 200 : 503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const outcomes: string[] = [];
      await waitForReady(`http://127.0.0.1:${port}/health/ready`, {
        timeoutMs: 5_000,
        intervalMs: 10,
        onAttempt: (outcome) => outcomes.push(outcome),
      });
      expect(outcomes).toEqual(["HTTP 503", "HTTP 503"]);
    } finally {
      server.close();
    }
  });

  it("reports a refused connection and the hint when time runs out", async () => {
    // A port that was just free: nothing listens there.
    const port = await freePort();
    const error = await waitForReady(`http://127.0.0.1:${port}/health/ready`, {
      // Long enough that a loaded machine still sees the refusal, not our own timeout;
      // the interval is longer still, so there is one attempt.
      timeoutMs: 3_000,
      intervalMs: 5_000,
      hint: "look at the logs",
    }).catch((e) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error.message).toBe(
      `http://127.0.0.1:${port}/health/ready did not answer 200 within 3 s (last: ECONNREFUSED); look at the logs`,
    );
  });
});
