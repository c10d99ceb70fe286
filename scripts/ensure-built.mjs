#!/usr/bin/env node
// Builds the workspace packages whose sources changed since their last build,
// for `pnpm demo`: JavaScript only (`pnpm build` also writes the type
// declarations, and these builds keep the ones there), so a fresh clone is
// serving within seconds and later runs start at once. The build's output goes
// to .cache/build.log, so the server's logs are the first thing on screen.
import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const log = join(root, ".cache/build.log");
// In dependency order (core bundles the UI's build, the CLI imports core), each
// with a file every build writes.
const packages = [
  { name: "@servekit/ui", dir: "packages/serve-ui", output: "dist/app.js" },
  { name: "@servekit/core", dir: "packages/serve-core", output: "dist/index.js" },
  { name: "@servekit/cli", dir: "packages/serve-cli", output: "dist/bin.js" },
];

function newestChange(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

mkdirSync(join(root, ".cache"), { recursive: true });
writeFileSync(log, "");
let rebuiltBefore = false;
for (const pkg of packages) {
  const dir = join(root, pkg.dir);
  const output = join(dir, pkg.output);
  const builtAt = existsSync(output) ? statSync(output).mtimeMs : 0;
  const inputs = ["src", "package.json", "tsup.config.ts"].map((name) => join(dir, name));
  const changedAt = Math.max(...inputs.filter(existsSync).map(newestChange));
  if (!rebuiltBefore && changedAt < builtAt) continue;
  process.stderr.write(`building ${pkg.name} (output in .cache/build.log)…\n`);
  try {
    const out = execFileSync(join(root, "node_modules/.bin/tsup"), ["--no-dts", "--no-clean"], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    appendFileSync(log, out);
  } catch (error) {
    appendFileSync(log, `${error.stdout ?? ""}${error.stderr ?? ""}`);
    process.stderr.write(`the build of ${pkg.dir} failed; its output is in ${log}\n`);
    process.exit(1);
  }
  rebuiltBefore = true;
}
