// The repository's own test helpers, shared by serve-core, serve-cli, the
// examples, e2e and bench. Private, source-only, and free of workspace
// imports, so any package can use it without a build.
export { type ChildOutput, collectOutput } from "./child-output.js";
export { type FileServer, startFileServer } from "./file-server.js";
export { freePort } from "./free-port.js";
export {
  type Haproxy,
  type HaproxyConfigOptions,
  type HaproxyServer,
  haproxyConfig,
  haproxyMissingReason,
  startHaproxy,
} from "./haproxy.js";
export {
  type Prometheus,
  type PromSample,
  prometheusConfig,
  prometheusMissingReason,
  startPrometheus,
} from "./prometheus.js";
export {
  findRedisServer,
  type RedisServer,
  redisMissingReason,
  startRedis,
} from "./redis-server.js";
export { closeMidBody, neverAnswer, redirectTo, serveBytes, stallAfter } from "./responders.js";
export { sharedPath } from "./shared-path.js";
export { type SpawnedServer, spawnServer } from "./spawn-server.js";
export { type WaitForReadyOptions, waitForReady } from "./wait-for-ready.js";
