// The server of the cluster benchmark, run as its own process by run.ts:
// an echo whose cost is request decoding (JSON parse, base64, image header).
import { definePredictor, image, serve, z } from "@servekit/core";

const decodeOnly = definePredictor({
  name: "decode-only",
  input: z.object({ image: image() }),
  output: z.object({ width: z.number(), height: z.number() }),
  predict: ({ image }) => ({ width: image.width, height: image.height }),
});

await serve(decodeOnly, {
  host: "127.0.0.1",
  port: 0,
  processes: Number(process.env.PROCESSES ?? 1),
});
