import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../test/run-cli.js";
import {
  MODEL_BYTES,
  MODEL_SHA256,
  type WeightsProject,
  weightsProject,
} from "../weights/test-support/weights-project.js";

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

/** Cached files whose bytes are the model's. */
function cachedModels(cacheDir: string): string[] {
  return filesUnder(cacheDir).filter((path) => {
    const bytes = readFileSync(path);
    return createHash("sha256").update(bytes).digest("hex") === MODEL_SHA256;
  });
}

describe("serve-cli weights", () => {
  let project: WeightsProject;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { cwd: project.dir, env: { ...project.env, ...env } });

  beforeAll(async () => {
    project = await weightsProject();
  });
  afterAll(() => project.close());

  it("status reports a file not pulled yet as missing, and exits 1 on it only with --check", async () => {
    const status = await cli(["weights", "status"]);
    expect(status.code).toBe(0);
    expect(status.stderr).toContain("bare@0.0.0: no weights declared");
    const [header, row] = status.stdout.trim().split("\n");
    expect(header).toMatch(/^predictor\s+name\s+file\s+size\s+source\s+path$/);
    expect(row).toMatch(/^tiny@1\.0\s+model\s+model\.bin\s+\?\s+missing\s+\(searched /);

    const checked = await cli(["weights", "status", "--check"]);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain(
      "error: 1 declared weights file(s) missing (model.bin): run serve-cli weights pull",
    );
  });

  it("pull downloads the missing file into the cache with progress, and a second pull downloads nothing", async () => {
    const first = await cli(["weights", "pull"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(
      `downloading model (76.0 KB) from ${project.server.url}model.bin`,
    );
    expect(first.stderr).toMatch(/^downloaded model: 76\.0 KB in [\d.]+ s$/m);
    expect(first.stderr).toContain("weights: 1 downloaded, 0 already local, 0 failed");
    expect(cachedModels(project.cacheDir)).toHaveLength(1);

    const requests = project.server.requests.length;
    const second = await cli(["weights", "pull"]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("weights: 0 downloaded, 1 already local, 0 failed");
    expect(project.server.requests.length).toBe(requests);
  });

  it("status --json then shows the cached copy and its size", async () => {
    const status = await cli(["weights", "status", "--json", "--check"]);
    expect(status.code).toBe(0);
    const rows = JSON.parse(status.stdout);
    expect(rows).toEqual([
      expect.objectContaining({
        predictor: "tiny@1.0",
        name: "model",
        file: "model.bin",
        size: MODEL_BYTES.length,
        source: "cache",
        sha256: MODEL_SHA256,
      }),
    ]);
    expect(readFileSync(rows[0].path)).toEqual(MODEL_BYTES);
  });

  it("verify passes on good copies and names a wrong one in the project's weights/ folder", async () => {
    const good = await cli(["weights", "verify"]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^ok\s+tiny@1\.0\s+model\s+model\.bin\s+cache\s+/m);

    mkdirSync(join(project.dir, "weights"));
    const copy = join(project.dir, "weights", "model.bin");
    writeFileSync(copy, "not the model");
    try {
      const bad = await cli(["weights", "verify"]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(
        /^MISMATCH\s+tiny@1\.0\s+model\s+model\.bin\s+project\s+.*sha256 is [0-9a-f]{64}, the predictor declares/m,
      );
      expect(bad.stdout).toMatch(/^ok\s+tiny@1\.0\s+model\s+model\.bin\s+cache\s+/m);
      expect(bad.stderr).toContain("error: 1 mismatched and 0 missing weights file(s)");
    } finally {
      rmSync(join(project.dir, "weights"), { recursive: true, force: true });
    }
  });

  it("status names a local copy whose size differs from the declared one in one line, exit 1", async () => {
    mkdirSync(join(project.dir, "weights"));
    writeFileSync(join(project.dir, "weights", "model.bin"), "short");
    try {
      const result = await cli(["weights", "status"], { TINY_SIZE: String(MODEL_BYTES.length) });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^error: weights "model": \S+model\.bin has 5 bytes but the predictor declares size 77824: replace the file/m,
      );
      expect(result.stderr).not.toContain("--debug");
    } finally {
      rmSync(join(project.dir, "weights"), { recursive: true, force: true });
    }
  });

  it("lock writes weights.lock with the file's size, --check passes, and finds a stale lock without writing", async () => {
    const lockPath = join(project.dir, "weights.lock");
    const written = await cli(["weights", "lock"]);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toContain("weights.lock written:\n  + tiny@1.0 model: ");
    expect(JSON.parse(readFileSync(lockPath, "utf8"))).toEqual({
      lockfileVersion: 1,
      predictors: {
        "tiny@1.0": {
          model: {
            url: `${project.server.url}model.bin`,
            sha256: MODEL_SHA256,
            size: MODEL_BYTES.length,
          },
        },
      },
    });

    const fresh = await cli(["weights", "lock", "--check"]);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toBe("weights.lock is up to date\n");

    const stale = readFileSync(lockPath, "utf8").replace(MODEL_SHA256, "0".repeat(64));
    writeFileSync(lockPath, stale);
    const checked = await cli(["weights", "lock", "--check"]);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain(
      `~ tiny@1.0 model: sha256 ${"0".repeat(64)} → ${MODEL_SHA256}`,
    );
    expect(checked.stderr).toContain(
      "error: weights.lock does not match the declared weights: run serve-cli weights lock",
    );
    expect(readFileSync(lockPath, "utf8")).toBe(stale);

    const updated = await cli(["weights", "lock"]);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain("weights.lock updated:");
    expect(readFileSync(lockPath, "utf8")).toContain(MODEL_SHA256);
  });

  it("pull of a file whose checksum is wrong exits 1 with the reason and leaves no file in the cache", async () => {
    const wrong = "a".repeat(64);
    const before = filesUnder(project.cacheDir);
    const result = await cli(["weights", "pull"], { TINY_SHA256: wrong });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("weights: 0 downloaded, 0 already local, 1 failed");
    expect(result.stderr).toContain(wrong);
    expect(result.stderr).toMatch(
      /error: 1 weights file\(s\) could not be pulled .*run serve-cli weights pull again/,
    );
    expect(filesUnder(project.cacheDir)).toEqual(before);
  });

  it("offline, a missing file fails and says where it looked instead of downloading", async () => {
    const requests = project.server.requests.length;
    const result = await cli(["weights", "pull"], {
      SERVEKIT_OFFLINE: "1",
      SERVEKIT_CACHE_DIR: join(project.dir, ".empty-cache"),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("SERVEKIT_OFFLINE");
    expect(result.stderr).toContain("model.bin");
    expect(project.server.requests.length).toBe(requests);
  });

  it("says that a predictor declares no weights rather than failing", async () => {
    for (const command of ["pull", "status", "verify", "lock"]) {
      const result = await cli(["weights", command, "predictor.ts:bare"]);
      expect(result.code, command).toBe(0);
      expect(result.stderr, command).toContain("no weights declared by bare@0.0.0");
    }
    // Locking one predictor of the project leaves the others' entries in weights.lock.
    const lock = JSON.parse(readFileSync(join(project.dir, "weights.lock"), "utf8"));
    expect(Object.keys(lock.predictors)).toEqual(["tiny@1.0"]);
  });

  it("dockerfile puts declared weights in their own layer before the code", async () => {
    const result = await cli(["dockerfile", "."]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split("\n");
    const layer = lines.indexOf("COPY weights/ /srv/weights/");
    expect(layer).toBeGreaterThan(0);
    expect(layer).toBeLessThan(lines.findIndex((line) => line.startsWith("COPY --from=builder")));
    expect(result.stdout).toContain('SERVEKIT_WEIGHTS_DIR="/srv/weights"');
  });
});
