import cluster from "node:cluster";

/** Environment variable through which the cluster primary hands its port to the processes it forks. */
export const CLUSTER_PORT_ENV = "SERVEKIT_CLUSTER_PORT";

/** Message a cluster process sends the primary once its predictor's setup has finished. */
export const READY_MESSAGE = "servekit:ready";

/**
 * The port to listen on when this process was forked by servekit's cluster
 * primary (`processes` > 1), else `undefined`. Such a process serves like a
 * single one, but always drains on SIGTERM: the primary owns the signal policy.
 */
export function clusterWorkerPort(): number | undefined {
  const port = process.env[CLUSTER_PORT_ENV];
  return cluster.isWorker && port !== undefined ? Number(port) : undefined;
}

/** Tells the cluster primary that this process is ready (its setup has finished). */
export function reportReadyToPrimary(): void {
  process.send?.({ type: READY_MESSAGE });
}
