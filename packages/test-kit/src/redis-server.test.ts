import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { redisMissingReason, startRedis } from "./redis-server.js";

/** Sends one inline command and returns the reply's first `lines` lines, joined by spaces. */
function command(port: number, line: string, lines = 1): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write(`${line}\r\n`));
    let reply = "";
    socket.on("data", (chunk) => {
      reply += chunk;
      const parts = reply.split("\r\n");
      if (parts.length > lines) {
        socket.destroy();
        resolve(parts.slice(0, lines).join(" "));
      }
    });
    socket.once("error", reject);
  });
}

const redisMissing = redisMissingReason();

describe.skipIf(redisMissing)("startRedis", () => {
  it("starts a server on a loopback port that keeps nothing on disk, and stops it", async () => {
    const redis = await startRedis();
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await command(redis.port, "PING")).toBe("+PONG");
      expect(await command(redis.port, "CONFIG GET save", 5)).toBe("*2 $4 save $0 ");
      expect(await command(redis.port, "CONFIG GET appendonly", 5)).toBe("*2 $10 appendonly $2 no");
    } finally {
      await redis.stop();
    }
    await expect(command(redis.port, "PING")).rejects.toThrow(/ECONNREFUSED/);
  });

  it("starts two servers side by side on different ports", async () => {
    const [a, b] = await Promise.all([startRedis(), startRedis()]);
    try {
      expect(a!.port).not.toBe(b!.port);
      expect(await command(b!.port, "PING")).toBe("+PONG");
    } finally {
      await Promise.all([a!.stop(), b!.stop()]);
    }
  });
});
