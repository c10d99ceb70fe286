// Fails when a non-test source file under packages/ is over 300 lines (STYLE.md: one concept per
// file; past ~300 lines a file is doing more than one thing). Run by `pnpm lint`.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const MAX_LINES = 300;
const root = fileURLToPath(new URL("..", import.meta.url));
const SOURCE = /\.(ts|tsx|mts|js|mjs|css)$/;
const SKIPPED_DIRS = new Set(["node_modules", "dist", "fixtures", "reference"]);

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* sourceFiles(path);
    } else if (SOURCE.test(entry.name) && !/\.test\.|\.d\.ts$/.test(entry.name)) {
      yield path;
    }
  }
}

const tooLong = [];
for (const file of sourceFiles(join(root, "packages"))) {
  const lines = readFileSync(file, "utf8").split("\n").length - 1;
  if (lines > MAX_LINES) tooLong.push(`${relative(root, file)}: ${lines} lines`);
}
if (tooLong.length > 0) {
  process.stderr.write(
    `Source files over ${MAX_LINES} lines (split each into files named for what they export):\n  ${tooLong.join("\n  ")}\n`,
  );
  process.exit(1);
}
