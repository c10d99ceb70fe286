import { createServer, request, type Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServeOptions } from "../options.js";
import { capturingLogger } from "../test-support/raw-http.js";
import { echoVersion } from "../test-support/versioned-echo.js";
import { buildApp } from "./app.js";

// The fast path must be invisible: every prediction request answered by it
// gets the response, log line and metrics the Hono route gives. Both
// listeners here serve the same app on loopback, side by side.

interface Exchange {
  status: number;
  /** Header names and values in the order sent, request ids and timings masked. */
  headers: string[];
  body: string;
}

/** Sends one request on a fresh connection, headers and body in one write. */
function exchange(
  url: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const id = res.headers["x-request-id"] as string;
          const mask = (text: string) =>
            text.replaceAll(id, "<id>").replace(/dur=[\d.]+/g, "dur=<ms>");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.rawHeaders
              .map(mask)
              .filter((_, i, all) => all[i - (i % 2)]?.toLowerCase() !== "date"),
            body: mask(Buffer.concat(chunks).toString("utf8")),
          });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

async function sideBySide(options: ServeOptions) {
  const { log, lines } = capturingLogger();
  const { app, fastPredict } = buildApp(
    [echoVersion("1.0.0"), echoVersion("2.0.0"), echoVersion("3.0.0", { broken: true })],
    { maxBodyBytes: 64, ...options, logger: log },
  );
  await app.lifecycle.ready;
  const hono = getRequestListener(app.fetch);
  const taken = { count: 0 };
  const fast = createServer((req, res) => {
    if (fastPredict(req, res)) taken.count++;
    else void hono(req, res);
  });
  const plain = createServer(hono);
  return {
    app,
    lines,
    /** Requests the fast path answered. */
    taken,
    fastServer: fast,
    fastUrl: await listen(fast),
    plainUrl: await listen(plain),
    close: async () => {
      fast.close();
      plain.close();
      await app.lifecycle.close();
    },
  };
}

describe("the fast path for predictions", () => {
  let served: Awaited<ReturnType<typeof sideBySide>>;
  beforeAll(async () => {
    served = await sideBySide({});
  });
  afterAll(() => served.close());

  const cases: [string, string, string, Record<string, string>?][] = [
    ["an answer", "/predict", '{"text":"hi"}'],
    ["a client's request id, echoed", "/predict", '{"text":"hi"}', { "x-request-id": "abc-1" }],
    ["an unsafe request id, replaced", "/predict", '{"text":"hi"}', { "x-request-id": "a b" }],
    ["a version asked for by header", "/predict", '{"text":"hi"}', { "x-model-version": "2.0.0" }],
    ["a sticky routing key", "/predict", '{"text":"hi"}', { "x-routing-key": "user-7" }],
    ["the model's path", "/models/echo/predict", '{"text":"hi"}'],
    ["a version's path", "/models/echo/versions/2.0.0/predict", '{"text":"hi"}'],
    ["a query string", "/predict?debug=1", '{"text":"hi"}'],
    ["422 invalid input", "/predict", '{"text":7}'],
    ["400 malformed JSON", "/predict", '{"text"'],
    ["415 another media type", "/predict", "text=hi", { "content-type": "text/plain" }],
    ["413 a body over maxBodyBytes", "/predict", JSON.stringify({ text: "x".repeat(100) })],
    ["404 an unknown model", "/models/nope/predict", '{"text":"hi"}'],
    ["404 an unknown version", "/models/echo/versions/9.9.9/predict", '{"text":"hi"}'],
    ["500 a failing prediction", "/models/echo/versions/3.0.0/predict", '{"text":"hi"}'],
  ];

  it.each(cases)("gives the Hono route's response: %s", async (_, path, body, headers) => {
    const before = served.taken.count;
    const fast = await exchange(served.fastUrl, path, body, headers);
    expect(served.taken.count).toBe(before + 1);
    expect(fast).toEqual(await exchange(served.plainUrl, path, body, headers));
  });

  it("logs the same request line", async () => {
    const linesOf = async (url: string) => {
      const from = served.lines.length;
      await exchange(url, "/models/echo/predict", '{"text":"log me"}', { "x-request-id": "same" });
      return served.lines
        .slice(from)
        .filter((line) => line.msg === "request")
        .map(({ time: _t, ms, ...rest }) => ({ ...rest, ms: typeof ms }));
    };
    const fast = await linesOf(served.fastUrl);
    expect(fast).toEqual(await linesOf(served.plainUrl));
    expect(fast).toEqual([
      expect.objectContaining({ request_id: "same", path: "/models/echo/predict", status: 200 }),
    ]);
  });

  it("counts its requests in the same metrics series", async () => {
    const series = async () => {
      const text = await (await served.app.request("/metrics")).text();
      const line = text
        .split("\n")
        .find((l) =>
          l.startsWith(
            'servekit_http_requests_total{route="/models/:name/predict",method="POST",model="echo",version="1.0.0",status="422"}',
          ),
        );
      return Number(line?.split(" ").at(-1) ?? 0);
    };
    const before = await series();
    await exchange(served.fastUrl, "/models/echo/predict", '{"text":1}');
    await exchange(served.plainUrl, "/models/echo/predict", '{"text":1}');
    expect(await series()).toBe(before + 2);
  });
});

/**
 * Declares a body of `declared` bytes and keeps sending it, 64 KiB at a time,
 * until the server closes the connection or `declared` bytes are sent;
 * resolves with what came back.
 */
function keepSending(url: string, path: string, declared: number): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = "";
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, "x");
    const pump = () => {
      while (!socket.destroyed && sent < declared) {
        sent += chunk.length;
        if (!socket.write(chunk)) return socket.once("drain", pump);
      }
    };
    socket.on("data", (data) => {
      received += data.toString("latin1");
    });
    socket.on("error", () => {}); // the reset of a closed connection: what came back counts
    socket.on("close", () => resolve(received));
    socket.write(
      `POST ${path} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${declared}\r\n\r\n`,
    );
    pump();
  });
}

describe("a refused body that keeps coming", () => {
  let served: Awaited<ReturnType<typeof sideBySide>>;
  beforeAll(async () => {
    served = await sideBySide({});
  });
  afterAll(() => served.close());

  it.each([
    ["413, declared over maxBodyBytes", "/predict", "413"],
    ["404, an unknown model", "/models/nope/predict", "404"],
  ])(
    "%s: answered, then the connection closes once maxBodyBytes of it are read",
    async (_, path, status) => {
      const sockets: Socket[] = [];
      const track = (socket: Socket) => sockets.push(socket);
      served.fastServer.on("connection", track);
      try {
        const received = await keepSending(served.fastUrl, path, 256 * 1024 * 1024);
        expect(received).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
        expect(sockets).toHaveLength(1);
        // maxBodyBytes is 64 here: a few socket reads of it, not the 256 MiB declared nor
        // what loopback carries in the half second the time limit allows.
        expect(sockets[0]!.bytesRead).toBeLessThan(1024 * 1024);
      } finally {
        served.fastServer.off("connection", track);
      }
    },
  );
});

describe("requests the fast path leaves to Hono", () => {
  it("leaves other routes, methods and streams asked for", async () => {
    const served = await sideBySide({});
    try {
      const get = await fetch(`${served.fastUrl}/predict`);
      expect(get.status).toBe(404);
      const stream = await exchange(served.fastUrl, "/predict", '{"text":"hi"}', {
        accept: "text/event-stream",
      });
      expect(stream.status).toBe(200);
      const encoded = await exchange(served.fastUrl, "/models/ech%6F/predict", '{"text":"hi"}');
      expect(encoded.status).toBe(200);
      expect(served.taken.count).toBe(0);
    } finally {
      await served.close();
    }
  });

  it("answers with CORS headers when cors is set", async () => {
    const served = await sideBySide({ cors: { origin: "https://app.example" } });
    try {
      const headers = { origin: "https://app.example" };
      const fast = await exchange(served.fastUrl, "/predict", '{"text":"hi"}', headers);
      expect(served.taken.count).toBe(0);
      expect(fast.headers).toContain("https://app.example");
      expect(fast).toEqual(await exchange(served.plainUrl, "/predict", '{"text":"hi"}', headers));
    } finally {
      await served.close();
    }
  });
});
