// How `pnpm demo` starts the YOLOv5 server, read from examples/yolov5's start
// script, so the benches that measure the demo run it exactly that way.
import { readFileSync } from "node:fs";

const manifest = JSON.parse(
  readFileSync(new URL("../examples/yolov5/package.json", import.meta.url), "utf8"),
) as { scripts: { start: string } };

// "<compile> && KEY=VALUE … node --flag … <cli> run ."
const runCommand = manifest.scripts.start.split("&&").at(-1)!.trim().split(/\s+/);
const nodeAt = runCommand.indexOf("node");
if (nodeAt < 0) throw new Error(`examples/yolov5's start script runs no node: ${runCommand}`);

const afterNode = runCommand.slice(nodeAt + 1);

/** The node flags of the demo's start script. */
export const DEMO_NODE_FLAGS = afterNode.slice(
  0,
  afterNode.findIndex((word) => !word.startsWith("--")),
);

/** The allocator settings of the demo's start script (docs/production.md#memory). */
export const DEMO_ENV: Record<string, string> = Object.fromEntries(
  runCommand.slice(0, nodeAt).map((assignment) => {
    // At the first "=" only: GLIBC_TUNABLES=glibc.malloc.hugetlb=1 keeps its value whole.
    const at = assignment.indexOf("=");
    return [assignment.slice(0, at), assignment.slice(at + 1)];
  }),
);
