import { serveOptionsSchema } from "@servekit/core";
import { Document } from "yaml";

/** What the VM's systemd unit runs. */
export interface ContainerUnitOptions {
  /** The image in Artifact Registry, `REGION-docker.pkg.dev/PROJECT/REPO/NAME:TAG`. */
  image: string;
  /** The port the server listens on in the container, published on the VM's same port. */
  port: number;
  /** The container's environment, in order (`PORT` included). Values must not hold a line break. */
  env: readonly (readonly [string, string])[];
  /**
   * Seconds `docker stop` waits after SIGTERM before SIGKILL. Longer than the
   * server's shutdown grace, so running predictions finish when the VM stops
   * or a managed instance group replaces it.
   */
  stopTimeoutSeconds: number;
}

/**
 * The server drains for up to `shutdownGraceMs` (its default) on SIGTERM;
 * docker waits that and a margin for the HTTP server to close.
 */
export const DEFAULT_STOP_TIMEOUT_SECONDS =
  Math.ceil(serveOptionsSchema.shape.shutdownGraceMs.def.defaultValue / 1000) + 15;

/** The systemd unit's name, and the container's. */
export const CONTAINER_UNIT = "servekit";
const ENV_FILE = `/etc/${CONTAINER_UNIT}/container.env`;
// COS mounts / read-only; HOME must be writable for docker-credential-gcr's config.json.
const HOME = `/home/${CONTAINER_UNIT}`;

/**
 * The cloud-init `user-data` (`#cloud-config`) that runs an image on
 * Container-Optimized OS, Google's replacement for the deprecated container
 * startup agent: a systemd unit that lets docker pull from Artifact Registry
 * with the VM's service account, then `docker run`s the image with its
 * environment and port, restarts it when it exits, and stops it gracefully.
 * Pure: the same options give the same text (template names hash it).
 *
 * @example
 * const userData = cloudInitUserData({
 *   image: "us-central1-docker.pkg.dev/my-project/servekit/yolov5:latest",
 *   port: 8000, env: [["PORT", "8000"]], stopTimeoutSeconds: 45,
 * });
 * // gcloud compute instances create … --metadata-from-file=user-data=FILE
 */
export function cloudInitUserData(options: ContainerUnitOptions): string {
  const { image, port, env, stopTimeoutSeconds } = options;
  for (const [key, value] of env) {
    if (/[\r\n]/.test(value))
      throw new TypeError(`env ${key} holds a line break, which a docker env file cannot carry`);
  }
  const registryHost = image.split("/")[0];
  const unit = [
    "[Unit]",
    `Description=servekit container ${image}`,
    "Wants=network-online.target",
    "After=network-online.target docker.service",
    "Requires=docker.service",
    "",
    "[Service]",
    `Environment=HOME=${HOME}`,
    `ExecStartPre=/bin/mkdir -p ${HOME}`,
    // Docker authenticates to Artifact Registry with the VM's service account.
    // COS ships the helper (milestone 60+); systemd finds a bare name on its PATH.
    `ExecStartPre=docker-credential-gcr configure-docker --registries=${registryHost}`,
    // A container left over from a crash would block the name.
    `ExecStartPre=-/usr/bin/docker rm --force ${CONTAINER_UNIT}`,
    // Pull first so a slow pull is not counted against the start of `docker run`.
    `ExecStartPre=/usr/bin/docker pull ${image}`,
    [
      "ExecStart=/usr/bin/docker run --rm",
      `--name=${CONTAINER_UNIT}`,
      `-p ${port}:${port}`,
      `--env-file=${ENV_FILE}`,
      `--stop-timeout=${stopTimeoutSeconds}`,
      image,
    ].join(" "),
    `ExecStop=/usr/bin/docker stop --time=${stopTimeoutSeconds} ${CONTAINER_UNIT}`,
    // systemd, not docker's --restart, restarts it: one supervisor, visible in journalctl.
    "Restart=always",
    "RestartSec=5",
    "TimeoutStartSec=0",
    `TimeoutStopSec=${stopTimeoutSeconds + 15}`,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
  // An env file, not --env flags: values reach the container literally,
  // with no systemd or shell quoting in between.
  const envFile = env.map(([key, value]) => `${key}=${value}\n`).join("");
  const doc = new Document({
    write_files: [
      { path: ENV_FILE, permissions: "0600", owner: "root", content: envFile },
      {
        path: `/etc/systemd/system/${CONTAINER_UNIT}.service`,
        permissions: "0644",
        owner: "root",
        content: unit,
      },
    ],
    // COS keeps /etc only until the next boot and runs cloud-init at every
    // boot, so these run again after a reset or a reboot.
    runcmd: ["systemctl daemon-reload", `systemctl start ${CONTAINER_UNIT}.service`],
  });
  return `#cloud-config\n${doc.toString({ lineWidth: 0 })}`;
}
