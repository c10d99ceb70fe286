import { describe, expect, it } from "vitest";
import type { ModelEntry, RunningServer, ServeOptions } from "../../index.js";
import { modelServers } from "../../test-support/serve-models.js";
import { echoVersion } from "../../test-support/versioned-echo.js";

const ADMIN = "admin-key-for-tests";
// Room for hundreds in flight at once on each version.
const serveModels = modelServers({ maxConcurrency: 500, maxQueue: 500 });
let server: RunningServer | undefined;
const start = async (entries: ModelEntry[], options: ServeOptions = {}) => {
  server = await serveModels(entries, options);
  return server;
};

function admin(method: "PUT" | "DELETE", path: string, body?: unknown, key: string | null = ADMIN) {
  return fetch(`${server!.url}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function predictVersion(sleepMs: number): Promise<string> {
  const res = await fetch(`${server!.url}/models/echo/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text: "hi", sleep_ms: sleepMs }),
  });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { version: string }).version;
}

describe("releases without restart", () => {
  it("refuses admin routes outright without admin keys, and a missing or wrong key with 401", async () => {
    await start([echoVersion("1.0.0"), echoVersion("2.0.0")]);
    const off = await admin("PUT", "/admin/models/echo/traffic", { weights: { "2.0.0": 1 } });
    expect(off.status).toBe(403);
    expect(((await off.json()) as { error: { code: string } }).error.code).toBe("ADMIN_DISABLED");
    await server!.close();

    await start([echoVersion("1.0.0"), echoVersion("2.0.0")], {
      adminApiKeys: [ADMIN],
      apiKeys: ["user-key-123"],
    });
    expect((await admin("PUT", "/admin/models/echo/traffic", { weights: {} }, null)).status).toBe(
      401,
    );
    // An ordinary API key does not open admin routes.
    expect(
      (await admin("PUT", "/admin/models/echo/traffic", { weights: {} }, "user-key-123")).status,
    ).toBe(401);
    const bad = await admin("PUT", "/admin/models/echo/traffic", { weights: { "3.0.0": 5 } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { details: unknown } }).error.details).toContainEqual({
      path: ["weights", "3.0.0"],
      message: "no version 3.0.0; the versions are 1.0.0, 2.0.0",
    });
    expect((await admin("PUT", "/admin/models/nope/traffic", { weights: {} })).status).toBe(404);
    const retireLive = await admin("DELETE", "/admin/models/echo/versions/1.0.0");
    expect(retireLive.status).toBe(409);
    expect(((await retireLive.json()) as { error: { message: string } }).error.message).toMatch(
      /still gets traffic/,
    );
  });

  it("moves traffic, promotes and retires a version under hundreds of requests in flight, with zero failures", async () => {
    await start([echoVersion("1.0.0"), echoVersion("2.0.0")], { adminApiKeys: [ADMIN] });
    const answered: Record<string, number> = {};
    const failures: string[] = [];
    const wave = (n: number) =>
      Array.from({ length: n }, () =>
        predictVersion(40).then(
          (v) => {
            answered[v] = (answered[v] ?? 0) + 1;
          },
          (error: Error) => failures.push(error.message),
        ),
      );
    const inFlight = [...wave(200)];
    const canary = await admin("PUT", "/admin/models/echo/traffic", {
      weights: { "1.0.0": 50, "2.0.0": 50 },
    });
    expect(canary.status).toBe(200);
    inFlight.push(...wave(200));
    expect(
      (await admin("PUT", "/admin/models/echo/traffic", { weights: { "2.0.0": 100 } })).status,
    ).toBe(200);
    inFlight.push(...wave(200));
    // Retiring waits for what 1.0.0 still runs, then closes it.
    const retired = await admin("DELETE", "/admin/models/echo/versions/1.0.0");
    expect(retired.status).toBe(200);
    inFlight.push(...wave(200));
    await Promise.all(inFlight);

    expect(failures).toEqual([]);
    expect((answered["1.0.0"] ?? 0) + (answered["2.0.0"] ?? 0)).toBe(800);
    expect(answered["1.0.0"]).toBeGreaterThan(200);
    const models = (await (await fetch(`${server!.url}/models/echo`)).json()) as {
      versions: { version: string }[];
    };
    expect(models.versions.map((v) => v.version)).toEqual(["2.0.0"]);
    expect(
      (await fetch(`${server!.url}/models/echo/versions/1.0.0/predict`, { method: "POST" })).status,
    ).toBe(404);
  });

  it("lets a retiring version finish a slow prediction before it closes", async () => {
    await start([echoVersion("1.0.0"), echoVersion("2.0.0")], { adminApiKeys: [ADMIN] });
    const slow = fetch(`${server!.url}/models/echo/versions/1.0.0/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "slow", sleep_ms: 500 }),
    });
    await new Promise((r) => setTimeout(r, 100));
    await admin("PUT", "/admin/models/echo/traffic", { weights: { "2.0.0": 1 } });
    const retiring = admin("DELETE", "/admin/models/echo/versions/1.0.0");
    const first = await Promise.race([
      slow.then(() => "prediction"),
      retiring.then(() => "retired"),
    ]);
    expect(first).toBe("prediction");
    expect((await slow).status).toBe(200);
    expect((await retiring).status).toBe(200);
  });

  it("adds a version while serving, with no traffic until a release gives it some", async () => {
    const running = await start([echoVersion("1.0.0")], { adminApiKeys: [ADMIN] });
    running.models.add(echoVersion("3.0.0"));
    await running.models.runtime("echo", "3.0.0").ready;
    expect(await predictVersion(0)).toBe("1.0.0");
    await admin("PUT", "/admin/models/echo/traffic", { weights: { "3.0.0": 1 } });
    expect(await predictVersion(0)).toBe("3.0.0");
  });
});
