// servekit used as a user outside this repository would: the packages are
// published to a real local registry (Verdaccio) with the release command
// docs/releasing.md gives, then installed into fresh projects in the temp dir
// with npm, pnpm and yarn, run, tested, and built into images that answer.
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@servekit/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureStandInBaseImage,
  imageBuildMissing,
  type RunningContainer,
  removeImage,
  runImage,
  STAND_IN_BASE_IMAGE,
  waitForContainer,
} from "./support/container.js";
import { npm, type PackageManager, pnpm, yarn } from "./support/package-managers.js";
import { REPO_ROOT } from "./support/paths.js";
import { publicPackages, publishWorkspace } from "./support/publish.js";
import { mustRun, runCommand, startServer } from "./support/user-shell.js";
import { type LocalRegistry, startVerdaccio, verdaccioMissing } from "./support/verdaccio.js";

const VERSION = JSON.parse(
  readFileSync(join(REPO_ROOT, "packages/serve-core/package.json"), "utf8"),
).version as string;

/** The tabular predictor of docs/predictor.md, exactly as a user would copy it. */
function tabularPredictorFromDocs(): string {
  const docs = readFileSync(join(REPO_ROOT, "docs/predictor.md"), "utf8");
  const block = /<!-- tabular-predictor -->\s*```ts\n([\s\S]*?)```/.exec(docs)?.[1];
  if (!block)
    throw new Error("docs/predictor.md has no ```ts block after <!-- tabular-predictor -->");
  return block;
}

const CUSTOMERS = [
  { tenure_months: 3, monthly_charges: 95, support_calls: 4, contract: "monthly" },
  { tenure_months: 48, monthly_charges: 40, support_calls: 0, contract: "two_year" },
];

// CI always runs this suite; elsewhere it says why it cannot.
const missing = process.env.CI ? undefined : verdaccioMissing();
if (missing) console.warn(`skipping the outside-project suite: ${missing}`);
const imageMissing = process.env.CI ? undefined : imageBuildMissing();
if (!missing && imageMissing)
  console.warn(`skipping the outside-project image builds: ${imageMissing}`);

describe.runIf(!missing)("servekit from a registry, outside the repository", () => {
  let registry: LocalRegistry;
  const workDir = mkdtempSync(join(tmpdir(), "servekit-outside-"));
  const images: string[] = [];

  /** `serve-cli build` of `dir` on the stand-in base image (removed after the suite), its CMD started and ready. */
  async function buildAndStart(
    pm: PackageManager,
    dir: string,
    name: string,
  ): Promise<RunningContainer> {
    ensureStandInBaseImage();
    const image = `localhost/${name}:test`;
    images.push(image);
    const [command, ...args] = pm.exec("serve-cli", [
      "build",
      ".",
      "-t",
      image,
      "--builder",
      "buildah",
      "--base-image",
      STAND_IN_BASE_IMAGE,
    ]);
    const result = await runCommand(command, args, { cwd: dir, timeoutMs: 900_000 });
    expect(result.stderr, result.stderr).toContain(`built ${image} with buildah`);
    expect(result.code).toBe(0);
    const container = runImage(image, await freePort());
    try {
      await waitForContainer(container);
    } catch (error) {
      await container.stop();
      throw error;
    }
    return container;
  }

  beforeAll(async () => {
    registry = await startVerdaccio();
    // The publish half of `pnpm release` (docs/releasing.md); the test command built the packages
    // already. It checks that the registry serves every public package afterwards.
    await publishWorkspace(registry, workDir);
  });

  afterAll(async () => {
    for (const image of images) removeImage(image);
    await registry?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it("has every public package on the registry, private ones not", async () => {
    const names = publicPackages().map((pkg) => pkg.name);
    expect(names).toEqual(
      expect.arrayContaining(["@servekit/core", "@servekit/cli", "@servekit/client"]),
    );
    for (const name of names) {
      const res = await fetch(`${registry.url}${name.replace("/", "%2f")}`);
      expect(res.status, name).toBe(200);
      const packument = (await res.json()) as {
        versions: Record<string, { dependencies?: Record<string, string>; license?: string }>;
      };
      const manifest = packument.versions[VERSION]!;
      expect(manifest.license).toBe("Apache-2.0");
      // No workspace: ranges and no internal package a user has never heard of.
      for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
        expect(range, `${name} → ${dep}`).not.toMatch(/^workspace:/);
        expect(dep).not.toBe("@servekit/ui");
      }
    }
    expect((await fetch(`${registry.url}@servekit%2fui`)).status).toBe(404);
  });

  it("refuses `npm pack` of a package, saying to pack with pnpm", async () => {
    const packed = await runCommand("npm", ["pack", "--dry-run"], {
      cwd: join(REPO_ROOT, "packages/serve-core"),
    });
    expect(packed.code).not.toBe(0);
    expect(packed.stderr).toContain("with pnpm, not npm");
  });

  describe.each([npm, pnpm, yarn])("with $name", (pm: PackageManager) => {
    const project = join(workDir, `${pm.name}-churn`);
    const run = (args: string[], env?: Record<string, string>) =>
      mustRun(pm.command[0], [...pm.command.slice(1), ...args], {
        cwd: project,
        ...(env ? { env } : {}),
      });
    const exec = (binary: string, args: string[], cwd = project) => {
      const [command, ...rest] = pm.exec(binary, args);
      return mustRun(command, rest, { cwd });
    };

    it("installs @servekit/core and @servekit/cli from the registry into a new project", async () => {
      await mustRun("mkdir", ["-p", project], { cwd: workDir });
      await mustRun("npm", ["init", "-y"], { cwd: project });
      await mustRun("npm", ["pkg", "set", "type=module"], { cwd: project });
      writeFileSync(join(project, ".npmrc"), `@servekit:registry=${registry.url}\n`);
      await run(pm.add(["@servekit/core", "@servekit/cli"]));

      const installed = join(project, "node_modules/@servekit/core");
      expect(JSON.parse(readFileSync(join(installed, "package.json"), "utf8")).version).toBe(
        VERSION,
      );
      for (const file of [
        "README.md",
        "LICENSE",
        "dist/assets/ui/app.js",
        "dist/assets/docs/swagger-ui-bundle.js",
      ])
        expect(existsSync(join(installed, file)), file).toBe(true);
      // Nothing internal, and no install-time telemetry, in what the user installed.
      const everything = readdirSync(
        join(project, "node_modules", ...(pm.name === "pnpm" ? [".pnpm"] : [])),
      );
      expect(
        everything.filter((name) => /scarf|swagger-ui-dist|^@servekit\+ui/.test(name)),
      ).toEqual([]);
      expect(existsSync(join(project, "node_modules/@servekit/ui"))).toBe(false);
      expect((await exec("serve-cli", ["--version"])).trim()).toBe(VERSION);
    });

    it("predicts with the tabular predictor of docs/predictor.md", async () => {
      writeFileSync(join(project, "predictor.ts"), tabularPredictorFromDocs());
      const out = await exec("serve-cli", [
        "predict",
        "predictor.ts",
        "-i",
        `rows=${JSON.stringify(CUSTOMERS)}`,
      ]);
      const { scores } = JSON.parse(out) as { scores: number[] };
      expect(scores).toHaveLength(2);
      expect(scores[0]).toBeGreaterThan(0.5);
      expect(scores[1]).toBeLessThan(0.5);
    });

    it("serves it with serve-cli run: predictions, a 422 naming the field, docs and playground", async () => {
      const [command, ...args] = pm.exec("serve-cli", [
        "run",
        "predictor.ts",
        "--port",
        "0",
        "--host",
        "127.0.0.1",
      ]);
      const server = await startServer(command, args, { cwd: project });
      try {
        const predicted = await postJson(`${server.url}/predict`, { rows: CUSTOMERS });
        expect(predicted.status).toBe(200);
        expect(((await predicted.json()) as { scores: number[] }).scores).toHaveLength(2);
        const invalid = await postJson(`${server.url}/predict`, {
          rows: [{ ...CUSTOMERS[0], contract: "weekly" }],
        });
        expect(invalid.status).toBe(422);
        const { error } = (await invalid.json()) as { error: { details: unknown } };
        expect(JSON.stringify(error.details)).toContain("contract");
        for (const asset of ["/docs/swagger-ui-bundle.js", "/ui/app.js", "/ui/app.css"])
          expect((await fetch(`${server.url}${asset}`)).status, asset).toBe(200);
      } finally {
        expect(await server.stop()).toContain("server stopped");
      }
    });

    it("runs the project's own test of the predictor", async () => {
      await run(pm.add(["vitest@^4"], true));
      await mustRun("npm", ["pkg", "set", "scripts.test=vitest run"], { cwd: project });
      writeFileSync(
        join(project, "predictor.test.ts"),
        `import { testPredictor } from "@servekit/core/testing";
import { expect, it } from "vitest";
import { predictor } from "./predictor.js";

it("scores the riskier customer higher", async () => {
  const tester = await testPredictor(predictor);
  const { scores } = await tester.predict({ rows: ${JSON.stringify(CUSTOMERS)} });
  expect(scores[0]).toBeGreaterThan(scores[1]);
  await tester.close();
});
`,
      );
      expect(await run(["test"])).toMatch(/1 passed/);
    });

    describe("a project from serve-cli init", () => {
      const app = join(workDir, `${pm.name}-words`);

      it("scaffolds a project that installs from the registry it was pointed at and passes its test", async () => {
        await exec("serve-cli", ["init", app, "--registry", registry.url]);
        expect(readFileSync(join(app, ".npmrc"), "utf8")).toContain(
          `@servekit:registry=${registry.url}`,
        );
        await mustRun(pm.command[0], [...pm.command.slice(1), "install"], { cwd: app });
        expect(existsSync(join(app, pm.lockfile))).toBe(true);
        const tested = await mustRun(pm.command[0], [...pm.command.slice(1), "test"], { cwd: app });
        expect(tested).toMatch(/passed/);
      });

      it.runIf(!imageMissing)(
        "builds an image with serve-cli build that starts and answers",
        async () => {
          const container = await buildAndStart(pm, app, `servekit-outside-${pm.name}`);
          try {
            const res = await postJson(`${container.url}/predict`, {
              text: "to be or not to be",
              top: 1,
            });
            expect(await res.json()).toEqual({ words: 6, top_words: [{ word: "be", count: 2 }] });
          } finally {
            expect(await container.stop()).toBe(0);
          }
        },
      );
    });
  });
  describe("the onnx template with npm", () => {
    const app = join(workDir, "npm-iris");
    const virginica = { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 };

    it("starts with the README's npx command, installs onnxruntime-node as the README says, and classifies a flower", async () => {
      // `npx -y @servekit/cli init`, with the scope pointed at the registry; a cache of its own,
      // so that no @servekit/cli of an earlier run (same version) is taken from npx's cache.
      await mustRun(
        "npx",
        [
          "-y",
          `@servekit/cli@${VERSION}`,
          "init",
          app,
          "--template",
          "onnx",
          "--registry",
          registry.url,
        ],
        {
          cwd: workDir,
          env: {
            "npm_config_@servekit:registry": registry.url,
            npm_config_cache: join(workDir, "npx-cache"),
          },
        },
      );
      // Everything else through the registry too (a company's caching proxy): the image build's
      // `npm ci` then gets the onnxruntime-node this install chose. Straight from this machine's
      // mirror, it once answered the image build that the version the install had just taken
      // did not exist.
      appendFileSync(join(app, ".npmrc"), `registry=${registry.url}\n`);
      await mustRun("npm", ["install"], { cwd: app, env: { ONNXRUNTIME_NODE_INSTALL: "skip" } });
      expect(await mustRun("npm", ["test"], { cwd: app })).toMatch(/passed/);
      const flags = Object.entries(virginica).flatMap(([key, value]) => ["-i", `${key}=${value}`]);
      const out = await mustRun("npx", ["serve-cli", "predict", ...flags], { cwd: app });
      expect(JSON.parse(out)).toMatchObject({ species: "virginica" });
    });

    it.runIf(!imageMissing)("builds an image whose workers load the model and answer", async () => {
      const container = await buildAndStart(npm, app, "servekit-outside-iris");
      try {
        const res = await postJson(`${container.url}/predict`, virginica);
        expect(await res.json()).toMatchObject({ species: "virginica" });
      } finally {
        expect(await container.stop()).toBe(0);
      }
    });
  });
});

function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
