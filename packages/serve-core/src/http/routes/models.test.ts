import { describe, expect, it } from "vitest";
import type { ModelEntry, RunningServer, ServeOptions } from "../../index.js";
import { modelServers } from "../../test-support/serve-models.js";
import { echoVersion, upperModel } from "../../test-support/versioned-echo.js";

const serveModels = modelServers();
let server: RunningServer | undefined;
const start = async (entries: ModelEntry[], options: ServeOptions = {}) => {
  server = await serveModels(entries, options);
  return server;
};

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server!.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("several models and versions over HTTP", () => {
  it("splits 80/20 by weight (hashed request ids), and names the answering version", async () => {
    await start([echoVersion("1.0.0"), echoVersion("2.0.0")], {
      traffic: { echo: { weights: { "1.0.0": 80, "2.0.0": 20 } } },
    });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 600; i++) {
      const res = await post(
        "/models/echo/predict",
        { text: "hi" },
        { "x-request-id": `split-${i}` },
      );
      expect(res.status).toBe(200);
      const { version } = (await res.json()) as { version: string };
      expect(res.headers.get("x-model-version")).toBe(version);
      expect(res.headers.get("x-model-name")).toBe("echo");
      counts[version] = (counts[version] ?? 0) + 1;
    }
    // Binomial(600, 0.2): sd ≈ 9.8; within 4 sd.
    expect(Math.abs((counts["2.0.0"] ?? 0) - 120)).toBeLessThan(40);
    // The same ids route the same way again: the split is deterministic.
    const again = await post("/models/echo/predict", { text: "hi" }, { "x-request-id": "split-0" });
    const first = await post("/models/echo/predict", { text: "hi" }, { "x-request-id": "split-0" });
    expect(again.headers.get("x-model-version")).toBe(first.headers.get("x-model-version"));
  });

  it("keeps a routing key on one version, and honours an explicit version by header or path", async () => {
    await start([echoVersion("1.0.0"), echoVersion("2.0.0")], {
      traffic: { echo: { weights: { "1.0.0": 50, "2.0.0": 50 } } },
    });
    const seen = new Map<string, Set<string>>();
    for (let user = 0; user < 20; user++) {
      for (let i = 0; i < 5; i++) {
        const res = await post("/predict", { text: "hi" }, { "x-routing-key": `user-${user}` });
        const versions = seen.get(`user-${user}`) ?? new Set();
        versions.add(res.headers.get("x-model-version")!);
        seen.set(`user-${user}`, versions);
      }
    }
    expect([...seen.values()].every((versions) => versions.size === 1)).toBe(true);
    // 20 users at 50/50 are not all on one version.
    expect(new Set([...seen.values()].flatMap((v) => [...v])).size).toBe(2);

    for (let i = 0; i < 10; i++) {
      const byHeader = await post("/predict", { text: "hi" }, { "x-model-version": "2.0.0" });
      expect(((await byHeader.json()) as { version: string }).version).toBe("2.0.0");
      const byPath = await post("/models/echo/versions/1.0.0/predict", { text: "hi" });
      expect(((await byPath.json()) as { version: string }).version).toBe("1.0.0");
    }
  });

  it("routes by model name; unknown models and versions get 404 listing what exists", async () => {
    await start([echoVersion("1.0.0"), upperModel]);
    const upper = await post("/models/upper/predict", { text: "hi" });
    expect(await upper.json()).toEqual({ text: "HI" });
    expect(upper.headers.get("x-model-name")).toBe("upper");

    const noModel = await post("/models/nope/predict", { text: "hi" });
    expect(noModel.status).toBe(404);
    const body = (await noModel.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("MODEL_NOT_FOUND");
    expect(body.error.message).toContain("echo, upper");

    const noVersion = await post("/models/echo/versions/9.9.9/predict", { text: "hi" });
    expect(noVersion.status).toBe(404);
    expect(((await noVersion.json()) as { error: { message: string } }).error.message).toBe(
      "model echo has no version 9.9.9; its versions are 1.0.0",
    );
    const badHeader = await post("/predict", { text: "hi" }, { "x-model-version": "0.1" });
    expect(badHeader.status).toBe(404);
  });

  it("lists models, versions, readiness and policy at GET /models", async () => {
    await start([echoVersion("1.0.0"), echoVersion("2.0.0"), upperModel], {
      traffic: {
        echo: { weights: { "1.0.0": 95, "2.0.0": 5 }, shadow: { version: "2.0.0", fraction: 0.5 } },
      },
    });
    const res = await fetch(`${server!.url}/models`);
    const listed = (await res.json()) as { default: string; models: unknown[] };
    expect(listed.default).toBe("echo");
    expect(listed.models).toEqual([
      {
        name: "echo",
        default: true,
        versions: [
          { version: "1.0.0", status: "READY", ready: true, share: 0.95, inFlight: 0, queued: 0 },
          { version: "2.0.0", status: "READY", ready: true, share: 0.05, inFlight: 0, queued: 0 },
        ],
        traffic: {
          weights: { "1.0.0": 95, "2.0.0": 5 },
          shadow: { version: "2.0.0", fraction: 0.5 },
        },
      },
      {
        name: "upper",
        default: false,
        versions: [
          { version: "1", status: "READY", ready: true, share: 1, inFlight: 0, queued: 0 },
        ],
        traffic: { weights: { "1": 100 }, shadow: null },
      },
    ]);
    const health = (await (await fetch(`${server!.url}/health`)).json()) as { models: unknown };
    expect(health.models).toEqual({
      echo: { "1.0.0": "READY", "2.0.0": "READY" },
      upper: { "1": "READY" },
    });
  });

  it("answers the Cog envelope per model, async predictions included, at the model's own URLs", async () => {
    await start([echoVersion("1.0.0"), echoVersion("2.0.0")]);
    const sync = await post("/models/echo/versions/2.0.0/predictions", { input: { text: "a" } });
    expect(((await sync.json()) as { output: { version: string } }).output.version).toBe("2.0.0");

    const accepted = await post(
      "/models/echo/versions/2.0.0/predictions",
      { id: "job-1", input: { text: "b" } },
      { prefer: "respond-async" },
    );
    expect(accepted.status).toBe(202);
    const { urls } = (await accepted.json()) as { urls: { get: string } };
    expect(urls.get).toBe(`${server!.url}/models/echo/versions/2.0.0/predictions/job-1`);
    let state: { status: string; output?: { version: string } } = { status: "starting" };
    for (let i = 0; i < 50 && state.status !== "succeeded"; i++) {
      state = (await (await fetch(urls.get)).json()) as typeof state;
      if (state.status !== "succeeded") await new Promise((r) => setTimeout(r, 20));
    }
    expect(state.output?.version).toBe("2.0.0");
    // The plain path finds it too.
    expect((await fetch(`${server!.url}/predictions/job-1`)).status).toBe(200);
  });

  it("documents each model's and version's routes with their own schemas in /openapi.json", async () => {
    await start([echoVersion("1.0.0"), echoVersion("2.0.0"), upperModel]);
    const doc = (await (await fetch(`${server!.url}/openapi.json`)).json()) as {
      paths: Record<
        string,
        { post?: { requestBody: { content: Record<string, { schema: unknown }> } } }
      >;
      components: { schemas: Record<string, unknown> };
    };
    // Request bodies are inline copies of each model-version's own component.
    const body = (path: string) =>
      doc.paths[path]?.post?.requestBody.content["application/json"]?.schema;
    const { schemas } = doc.components;
    expect(body("/predict")).toEqual(schemas.Input);
    expect(body("/models/echo/predict")).toEqual(schemas.Input);
    expect(body("/models/echo/versions/2.0.0/predict")).toEqual(schemas["Input_echo_2.0.0"]);
    expect(body("/models/upper/predict")).toEqual(schemas.Input_upper_1);
    expect(schemas.Input_upper_1).not.toEqual(schemas.Input);
    expect(doc.components.schemas.Input_upper_1).toMatchObject({
      properties: { text: { type: "string" } },
    });
    expect(doc.paths["/models"]).toBeDefined();
    expect(doc.paths["/admin/models/{name}/traffic"]).toBeDefined();
  });

  it("labels prediction metrics by model and version, and records the predictor's output metrics", async () => {
    await start([echoVersion("1.0.0"), echoVersion("2.0.0", { drift: 3 })]);
    await post("/models/echo/versions/1.0.0/predict", { text: "a" });
    await post("/models/echo/versions/2.0.0/predict", { text: "a" });
    await post("/models/echo/versions/2.0.0/predict", { text: "a" });
    const text = await (await fetch(`${server!.url}/metrics`)).text();
    expect(text).toContain(
      'servekit_predictions_total{status="succeeded",model="echo",version="1.0.0"} 1',
    );
    expect(text).toContain(
      'servekit_predictions_total{status="succeeded",model="echo",version="2.0.0"} 2',
    );
    // Score 1 on 1.0.0; 4 (drifted) on 2.0.0: the canary's outputs differ where one can see it.
    expect(text).toContain('servekit_output_score_bucket{le="1",model="echo",version="1.0.0"} 1');
    expect(text).toContain('servekit_output_score_bucket{le="2",model="echo",version="2.0.0"} 0');
    expect(text).toContain('servekit_output_score_sum{model="echo",version="2.0.0"} 8');
    expect(text).toMatch(
      /servekit_http_requests_total\{route="\/models\/:name\/versions\/:version\/predict",method="POST",model="echo",version="2.0.0",status="200"\} 2/,
    );
    // One block per metric name, as Prometheus requires.
    expect(text.match(/^# TYPE servekit_predictions_total /gm)).toHaveLength(1);
  });
});
