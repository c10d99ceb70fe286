import { serve } from "@servekit/core";
import { predictor } from "./predictor.js";

const server = await serve(predictor, { port: Number(process.env.PORT) || 8000 });
await server.ready;
