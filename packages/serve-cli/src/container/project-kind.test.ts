import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectProjectKind } from "./project-kind.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>, manifest: object = { name: "echo" }): string {
  const dir = mkdtempSync(join(tmpdir(), "servekit-kind-test-"));
  made.push(dir);
  for (const [path, content] of Object.entries({
    "package.json": JSON.stringify(manifest),
    ...files,
  })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe("detectProjectKind", () => {
  it("tells yarn 1 from yarn 2+ by the lockfile's format or packageManager", () => {
    expect(detectProjectKind(project({ "yarn.lock": "# yarn lockfile v1\n" })).kind).toBe(
      "yarn-classic",
    );
    expect(detectProjectKind(project({ "yarn.lock": "__metadata:\n  version: 8\n" }))).toEqual({
      kind: "yarn-berry",
      lockfile: "yarn.lock",
      major: 4,
    });
    const declared = project({ "yarn.lock": "" }, { packageManager: "yarn@3.8.7" });
    expect(detectProjectKind(declared)).toMatchObject({ kind: "yarn-berry", major: 3 });
  });

  it("reads the pnpm major from packageManager, else from the lockfile version", () => {
    const declared = project(
      { "pnpm-lock.yaml": "lockfileVersion: '9.0'\n" },
      { packageManager: "pnpm@9.1.0" },
    );
    expect(detectProjectKind(declared)).toMatchObject({ kind: "pnpm", major: 9 });
    expect(
      detectProjectKind(project({ "pnpm-lock.yaml": "lockfileVersion: '6.0'\n" })),
    ).toMatchObject({ kind: "pnpm", major: 8, workspaceFile: false });
  });

  it("lets packageManager choose between lockfiles, and otherwise asks which one is stale", () => {
    const files = { "package-lock.json": "{}", "pnpm-lock.yaml": "lockfileVersion: '9.0'\n" };
    expect(detectProjectKind(project(files, { packageManager: "npm@10.0.0" })).kind).toBe("npm");
    expect(() => detectProjectKind(project(files))).toThrow(
      /delete the stale ones, or name the one you use/,
    );
  });

  it("refuses a pnpm workspace root with packages, naming one to build instead", () => {
    const root = project({
      "pnpm-workspace.yaml": "packages:\n  - apps/*\n",
      "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
      "apps/echo/package.json": JSON.stringify({ name: "echo" }),
    });
    expect(() => detectProjectKind(root)).toThrow(/root of a pnpm workspace.*build one of them/);
    expect(detectProjectKind(join(root, "apps/echo"))).toEqual({ kind: "pnpm-workspace", root });
  });
});
