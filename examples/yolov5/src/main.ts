// Serves the YOLOv5 predictor: `pnpm demo` from the repo root, or `pnpm start` here.
import { serve } from "@servekit/core";
import { predictor } from "./predictor.js";

const workers = process.env.WORKERS ? Number(process.env.WORKERS) : "auto";
const server = await serve(predictor, { port: Number(process.env.PORT) || 8000, workers });
await server.ready;
