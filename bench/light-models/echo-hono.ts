// The bare Hono + zod peer of the echo bench: parse JSON, validate with zod,
// 422 with the issues on failure, 200 {"text":…}. Prints its URL as one JSON line.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { z } from "zod";

const schema = z.object({ text: z.string() });
const app = new Hono();
app.post("/predict", async (c) => {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return c.json({ error: "bad json" }, 400);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) return c.json({ error: parsed.error.issues }, 422);
  return c.json({ text: parsed.data.text });
});

serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${info.port}` })}\n`);
});
