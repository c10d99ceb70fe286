// A client generated the way the ecosystem does it: `openapi-typescript URL
// -o schema.ts` (its own CLI) and a small program that calls the server with
// `openapi-fetch`, type-checked by the TypeScript compiler and then run with
// Node. It lives in a temporary folder, outside the repository.
import { spawn } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type ChildOutput, collectOutput } from "@servekit/test-kit";
import ts from "typescript";

const require = createRequire(import.meta.url);

/** A package's folder, as this package resolves it. */
function packageDir(name: string): string {
  return realpathSync(dirname(require.resolve(`${name}/package.json`)));
}

/** A folder where `import createClient from "openapi-fetch"` resolves, as in a user's project. */
export function clientProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "servekit-openapi-client-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(packageDir("openapi-fetch"), join(dir, "node_modules/openapi-fetch"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  return dir;
}

/** Runs openapi-typescript's CLI on `source` (a URL or a file), writing `dir/schema.ts`. */
export async function generateSchema(source: string, dir: string): Promise<ChildOutput> {
  const root = packageDir("openapi-typescript");
  const bin = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).bin;
  const cli = join(root, typeof bin === "string" ? bin : bin["openapi-typescript"]);
  const child = spawn(process.execPath, [cli, source, "-o", join(dir, "schema.ts")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collectOutput(child, 60_000);
}

const compilerOptions: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  // fetch, Request and Response, as in a browser; no @types/node.
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  types: [],
  skipLibCheck: true,
};

/**
 * Writes `source` as `dir/client.ts` and type-checks it with the generated
 * `schema.ts` (which is checked too): every diagnostic, as
 * `file:line: message`. None means it compiles.
 */
export function typeErrors(dir: string, source: string): string[] {
  const file = join(dir, "client.ts");
  writeFileSync(file, source);
  const program = ts.createProgram([file], compilerOptions);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName.slice(dir.length + 1)}:${line + 1}: ${message}`;
  });
}

/**
 * Runs the checked `dir/client.ts` with Node: its exported
 * `run(baseUrl, image)` gets `image` as base64 of the file at `imagePath`
 * (or ""), and its result is printed as JSON and returned.
 */
export async function runClient(
  dir: string,
  baseUrl: string,
  imagePath?: string,
): Promise<unknown> {
  const source = readFileSync(join(dir, "client.ts"), "utf8");
  const { outputText } = ts.transpileModule(source, { compilerOptions: { ...compilerOptions } });
  writeFileSync(join(dir, "client.js"), outputText);
  writeFileSync(
    join(dir, "main.js"),
    [
      'import { readFileSync } from "node:fs";',
      'import { run } from "./client.js";',
      "const [baseUrl, imagePath] = process.argv.slice(2);",
      'const image = imagePath ? readFileSync(imagePath).toString("base64") : "";',
      "console.log(JSON.stringify(await run(baseUrl, image)));",
    ].join("\n"),
  );
  const args = [join(dir, "main.js"), baseUrl, ...(imagePath ? [imagePath] : [])];
  const result = await collectOutput(spawn(process.execPath, args, { stdio: "pipe" }), 60_000);
  if (result.code !== 0) throw new Error(`the client exited ${result.code}:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}
