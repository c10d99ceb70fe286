import { fileURLToPath } from "node:url";
import { type SpawnedServer, spawnServer, waitForReady } from "@servekit/test-kit";
import { afterEach, describe, expect, it } from "vitest";

const fixture = fileURLToPath(new URL("../../test-support/serve-fixture.ts", import.meta.url));

/** The keys of a JSON text's top-level object, in order, duplicates kept (JSON.parse drops them). */
function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
    else if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === "\\" ? 2 : 1;
      const after = json.slice(end + 1).trimStart();
      if (depth === 1 && after.startsWith(":")) keys.push(json.slice(i + 1, end));
      i = end;
    }
  }
  return keys;
}

describe("pool worker logs", () => {
  let server: SpawnedServer | undefined;
  afterEach(() => {
    server?.child.kill("SIGKILL");
    server = undefined;
  });

  it("write setup lines without duplicate JSON keys (strict ingesters refuse them)", async () => {
    server = await spawnServer(["--import", "tsx", fixture], { WORKERS: "1" });
    let raw = "";
    server.child.stdout!.on("data", (chunk) => {
      raw += chunk;
    });
    await waitForReady(server.url, { child: server.child });
    await expect.poll(() => raw.includes("fixture setup running"), { timeout: 5_000 }).toBe(true);
    const line = raw.split("\n").find((l) => l.includes("fixture setup running"))!;
    const keys = topLevelKeys(line);
    expect(keys).toContain("worker");
    expect(keys).toEqual([...new Set(keys)]);
  });
});
