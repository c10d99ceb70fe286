import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startFileServer } from "@servekit/test-kit";
import { describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import { generateCompose } from "./compose.js";
import { type ComposeSpec, composeServiceName } from "./compose-spec.js";

interface ComposeFile {
  services: Record<
    string,
    {
      image: string;
      ports: string[];
      environment?: Record<string, string>;
      healthcheck?: {
        test: string[];
        interval: string;
        timeout: string;
        retries: number;
        start_period: string;
      };
      command?: string[];
      depends_on?: Record<string, { condition: string }>;
      restart: string;
      stop_signal?: string;
      stop_grace_period?: string;
    }
  >;
}

const base: ComposeSpec = { service: "yolov5", image: "yolov5:latest", port: 8000 };

function compose(spec: Partial<ComposeSpec> = {}): ComposeFile {
  return parse(generateCompose({ ...base, ...spec })) as ComposeFile;
}

describe("generateCompose", () => {
  it("runs the image as one backend service with its port published", () => {
    const file = compose();
    expect(Object.keys(file.services)).toEqual(["yolov5"]);
    const api = file.services.yolov5!;
    expect(api.image).toBe("yolov5:latest");
    expect(api.ports).toEqual(["8000:8000"]);
    expect(api.environment).toEqual({ PORT: "8000" });
  });

  it("publishes on another host port while the server keeps its own", () => {
    const api = compose({ hostPort: 9000 }).services.yolov5!;
    expect(api.ports).toEqual(["9000:8000"]);
    expect(api.environment?.PORT).toBe("8000");
  });

  it("quotes port mappings, which YAML 1.1 would read as base-60 numbers", () => {
    expect(generateCompose({ ...base, port: 80 })).toContain('- "80:80"');
  });

  it("checks readiness with node (no curl needed) against /health/ready on $PORT", () => {
    const { healthcheck } = compose().services.yolov5!;
    expect(healthcheck).toMatchObject({
      interval: "10s",
      timeout: "5s",
      retries: 3,
      start_period: "120s",
    });
    const [kind, node, flag, script] = healthcheck!.test;
    expect([kind, node, flag]).toEqual(["CMD", "node", "-e"]);
    expect(script).toContain("'http://127.0.0.1:'+process.env.PORT+'/health/ready'");
    // The probe must not use `$`, or compose would substitute it from the host's environment.
    expect(script).not.toContain("$");
  });

  it("the healthcheck's script exits 1 when nothing answers, 0 once ready", async () => {
    const script = compose().services.yolov5!.healthcheck!.test[3]!;
    const server = await startFileServer({
      "/health/ready": (_req, res) => res.writeHead(200).end(),
    });
    const port = Number(new URL(server.url).port);
    // Async: the server answers from this process's event loop.
    const probe = (p: number) =>
      promisify(execFile)(process.execPath, ["-e", script], {
        env: { ...process.env, PORT: String(p) },
      }).then(
        () => 0,
        (error: { code: number }) => error.code,
      );
    try {
      expect(await probe(port)).toBe(0);
    } finally {
      await server.close();
    }
    expect(await probe(port)).toBe(1);
  });

  it("waits longer than the server's shutdown grace before killing it", () => {
    const api = compose().services.yolov5!;
    expect(api.stop_signal).toBe("SIGTERM");
    expect(api.stop_grace_period).toBe("35s");
    expect(api.restart).toBe("unless-stopped");
    const tuned = compose({
      stopGracePeriodSeconds: 70,
      restart: "always",
      startPeriodSeconds: 600,
    }).services.yolov5!;
    expect(tuned.stop_grace_period).toBe("70s");
    expect(tuned.restart).toBe("always");
    expect(tuned.healthcheck?.start_period).toBe("600s");
  });

  it("passes extra environment, escaping $ so compose does not substitute it", () => {
    const text = generateCompose({
      ...base,
      env: { LOG_LEVEL: "debug", TOKEN: "a$b", ON: "true" },
    });
    expect(parse(text).services.yolov5.environment).toEqual({
      PORT: "8000",
      LOG_LEVEL: "debug",
      TOKEN: "a$$b",
      ON: "true",
    });
  });

  it("adds a UI service that the browser points at the published API port", () => {
    const file = compose({ hostPort: 9000, ui: {} });
    expect(Object.keys(file.services)).toEqual(["yolov5", "yolov5-ui"]);
    const ui = file.services["yolov5-ui"]!;
    expect(ui.image).toBe("yolov5:latest");
    expect(ui.command).toEqual([
      "node",
      "node_modules/@servekit/cli/bin/serve-cli.js",
      "ui",
      "--url",
      "http://localhost:9000",
      "--port",
      "8080",
    ]);
    expect(ui.ports).toEqual(["8080:8080"]);
    expect(ui.depends_on).toEqual({ yolov5: { condition: "service_healthy" } });
    expect(ui.restart).toBe("unless-stopped");
    expect(file.services.yolov5!.environment).toEqual({
      PORT: "8000",
      SERVEKIT_CORS_ORIGIN: "http://localhost:8080,http://127.0.0.1:8080",
    });
  });

  it("takes the UI's image, host port and API URL from the spec", () => {
    const file = compose({
      ui: { image: "servekit-ui:1", port: 3000, apiUrl: "https://api.example.com" },
    });
    const ui = file.services["yolov5-ui"]!;
    expect(ui.image).toBe("servekit-ui:1");
    expect(ui.ports).toEqual(["3000:8080"]);
    expect(ui.command?.slice(3, 5)).toEqual(["--url", "https://api.example.com"]);
    expect(file.services.yolov5!.environment?.SERVEKIT_CORS_ORIGIN).toBe(
      "http://localhost:3000,http://127.0.0.1:3000",
    );
  });

  it("lets env override the CORS origin, e.g. for a public hostname", () => {
    const api = compose({ ui: {}, env: { SERVEKIT_CORS_ORIGIN: "https://ui.example.com" } })
      .services.yolov5!;
    expect(api.environment?.SERVEKIT_CORS_ORIGIN).toBe("https://ui.example.com");
  });

  it("explains in comments why the UI gets a browser-reachable URL", () => {
    const text = generateCompose({ ...base, ui: {} });
    expect(text).toMatch(/# --url is used by the browser, not by this container/);
    expect(text).toContain("not http://yolov5:8000");
    expect(text).toMatch(/^# Generated by `serve-cli compose` for yolov5:latest\./);
    expect(parseDocument(text).errors).toEqual([]);
  });

  it("is pure: the same spec gives the same text", () => {
    const spec = { ...base, ui: {}, env: { A: "1" } };
    expect(generateCompose(spec)).toBe(generateCompose(spec));
  });

  it.each([
    [{ port: 0 }, "`port` must be 1–65535, got 0"],
    [{ hostPort: 70000 }, "`hostPort` must be 1–65535, got 70000"],
    [{ service: "My Model" }, 'e.g. "yolov5"; got "My Model"'],
    [{ image: "" }, "`image` must be an image reference like yolov5:latest"],
    [{ env: { PORT: "1" } }, "set PORT with `port` (--port), not in `env`"],
    [{ env: { "1BAD": "x" } }, 'got "1BAD"'],
    [{ ui: { port: 8000 } }, "ui.port and hostPort are both 8000"],
    [{ ui: { apiUrl: "api:8000" } }, "ui.apiUrl must be an http(s) URL the browser can reach"],
    [{ stopGracePeriodSeconds: -1 }, "`stopGracePeriodSeconds` must be a number of seconds ≥ 0"],
  ] as [Partial<ComposeSpec>, string][])(
    "rejects %o with a message that says what is right",
    (spec, message) => {
      expect(() => generateCompose({ ...base, ...spec })).toThrow(message);
    },
  );
});

describe("composeServiceName", () => {
  it("turns a predictor name into a valid compose service name", () => {
    expect(composeServiceName("yolov5")).toBe("yolov5");
    expect(composeServiceName("YOLOv5 Detector")).toBe("yolov5-detector");
    expect(composeServiceName("@acme/echo!")).toBe("acme-echo");
    expect(composeServiceName("***")).toBe("model");
  });
});
