// Runs downloadWeights in a worker thread, for the race test.
import { parentPort, workerData } from "node:worker_threads";
import { downloadWeights } from "../weights-download.js";

const { name, file, settings } = workerData;
parentPort?.postMessage({ started: true });
downloadWeights(name, file, settings).then(
  (path) => parentPort?.postMessage({ path }),
  (error: Error) => parentPort?.postMessage({ error: error.message }),
);
