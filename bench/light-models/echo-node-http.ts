// The ceiling of the echo bench: node:http + zod and nothing else (no
// framework, logging or metrics), the most any Node server doing this
// validation can answer on the machine. Same behaviour as the
// Hono peer: 400 on bad JSON, 422 with zod's issues, 200 {"text":…}. Prints
// its URL as one JSON line.
import { createServer, type ServerResponse } from "node:http";
import { z } from "zod";

const schema = z.object({ text: z.string() });

function reply(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

const server = createServer((request, response) => {
  if (request.method !== "POST" || request.url !== "/predict") {
    reply(response, 404, { error: "not found" });
    return;
  }
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      reply(response, 400, { error: "bad json" });
      return;
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) reply(response, 422, { error: parsed.error.issues });
    else reply(response, 200, { text: parsed.data.text });
  });
});

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
