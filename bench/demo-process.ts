// How `pnpm demo` starts the YOLOv5 server (examples/yolov5's start script),
// for the benches that measure the demo: keep the three in step.

/** The node flags of the demo's start script. */
export const DEMO_NODE_FLAGS = ["--initial-old-space-size=32", "--max-semi-space-size=4"];

/** The allocator settings of the demo's start script (docs/production.md#memory). */
export const DEMO_ENV = {
  MALLOC_ARENA_MAX: "1",
  MALLOC_MMAP_THRESHOLD_: "16777216",
  MALLOC_TRIM_THRESHOLD_: "33554432",
};
