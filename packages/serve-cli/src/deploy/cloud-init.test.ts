import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cloudInitUserData, DEFAULT_STOP_TIMEOUT_SECONDS } from "./cloud-init.js";

const IMAGE = "us-central1-docker.pkg.dev/my-project/servekit/yolov5:latest";

interface CloudConfig {
  write_files: { path: string; permissions: string; owner: string; content: string }[];
  runcmd: string[];
}

function userData(env: [string, string][] = [["PORT", "8000"]]) {
  const text = cloudInitUserData({ image: IMAGE, port: 8000, env, stopTimeoutSeconds: 45 });
  return { text, config: parse(text) as CloudConfig };
}

describe("cloudInitUserData", () => {
  it("is a #cloud-config that writes a systemd unit running the image with docker, and starts it", () => {
    const { text, config } = userData();
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    expect(config.write_files.map((f) => [f.path, f.permissions, f.owner])).toEqual([
      ["/etc/servekit/container.env", "0600", "root"],
      ["/etc/systemd/system/servekit.service", "0644", "root"],
    ]);
    expect(config.runcmd).toEqual(["systemctl daemon-reload", "systemctl start servekit.service"]);
  });

  it("authenticates docker to the image's Artifact Registry host, pulls, runs with the port, env file and stop timeout", () => {
    const unit = userData().config.write_files[1]!.content.split("\n");
    expect(unit).toContain(
      "ExecStartPre=docker-credential-gcr configure-docker --registries=us-central1-docker.pkg.dev",
    );
    expect(unit).toContain(`ExecStartPre=/usr/bin/docker pull ${IMAGE}`);
    expect(unit).toContain(
      `ExecStart=/usr/bin/docker run --rm --name=servekit -p 8000:8000 --env-file=/etc/servekit/container.env --stop-timeout=45 ${IMAGE}`,
    );
    expect(unit).toContain("ExecStop=/usr/bin/docker stop --time=45 servekit");
    // systemd restarts the container and waits longer than docker's stop timeout.
    expect(unit).toContain("Restart=always");
    expect(unit).toContain("TimeoutStopSec=60");
    expect(unit).toContain("Requires=docker.service");
    expect(unit).toContain("WantedBy=multi-user.target");
  });

  it("writes the environment literally, one KEY=VALUE a line, whatever YAML or shells would make of it", () => {
    const env: [string, string][] = [
      ["PORT", "8000"],
      ["GREETING", "hello world: 'x' \"y\" $HOME %n # not a comment"],
      ["CLASSES", "person,bus"],
    ];
    const { config } = userData(env);
    expect(config.write_files[0]!.content).toBe(
      "PORT=8000\nGREETING=hello world: 'x' \"y\" $HOME %n # not a comment\nCLASSES=person,bus\n",
    );
    expect(() => userData([["A", "two\nlines"]])).toThrow(/line break/);
  });

  it("is the same text for the same options (template names hash it)", () => {
    expect(userData().text).toBe(userData().text);
  });

  it("gives the server longer than its default shutdown grace to drain", () => {
    // serve-core's shutdownGraceMs defaults to 30 s.
    expect(DEFAULT_STOP_TIMEOUT_SECONDS).toBeGreaterThan(30);
  });
});
