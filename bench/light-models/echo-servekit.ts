// servekit's side of the echo bench: the validated echo predictor, served
// with serve()'s defaults (only host and port set). Prints its URL as one
// JSON line once ready.
import { definePredictor, serve, z } from "@servekit/core";

const echo = definePredictor({
  name: "echo",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  predict: ({ text }) => ({ text }),
});

const server = await serve(echo, { port: 0, host: "127.0.0.1" });
await server.ready;
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
