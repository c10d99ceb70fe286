import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { spawnServer } from "./spawn-server.js";

/** A stand-in server: logs JSON lines like servekit's logger, then waits to be killed. */
const fakeServer = (lines: object[]) =>
  `for (const line of ${JSON.stringify(lines)}) console.log(JSON.stringify(line)); setInterval(() => {}, 1000);`;

describe("spawnServer", () => {
  it("resolves with the URL of the 'serving' log line, keeping every JSON line logged", async () => {
    const server = await spawnServer([
      "-e",
      fakeServer([{ msg: "setup started" }, { msg: "serving echo", url: "http://127.0.0.1:4321" }]),
    ]);
    try {
      expect(server.url).toBe("http://127.0.0.1:4321");
      expect(server.logs.map((l) => l.msg)).toEqual(["setup started", "serving echo"]);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });

  it("passes the extra environment to the server", async () => {
    const server = await spawnServer(
      [
        "-e",
        `${fakeServer([])} console.log(JSON.stringify({ msg: "serving", url: process.env.URL_TO_LOG }))`,
      ],
      { URL_TO_LOG: "http://127.0.0.1:1" },
    );
    server.child.kill("SIGTERM");
    await server.exited;
    expect(server.url).toBe("http://127.0.0.1:1");
  });

  it("rejects with the exit code and stderr when the server exits before listening", async () => {
    await expect(
      spawnServer(["-e", "console.error('port 80 is taken'); process.exit(2)"]),
    ).rejects.toThrow("server exited with 2 before listening: port 80 is taken");
  });

  it("rejects when no 'serving' line comes in time, and stops the process", async () => {
    const marker = `still loading ${process.pid}-${Date.now()}`;
    const started = spawnServer(["-e", fakeServer([{ msg: marker }])], {}, 300);
    await expect(started).rejects.toThrow("server did not start in 300 ms");
    // No process is left running the stand-in (found by its unique log line in its arguments).
    const running = () =>
      readdirSync("/proc")
        .filter((entry) => /^\d+$/.test(entry))
        .some((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
          } catch {
            return false; // it ended while we looked
          }
        });
    await expect.poll(running, { timeout: 2_000 }).toBe(false);
  });
});
