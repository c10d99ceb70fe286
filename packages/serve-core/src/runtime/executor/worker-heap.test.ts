import { afterEach, describe, expect, it, vi } from "vitest";

// The flag is process-wide, so the test watches the call instead of setting it.
const setFlagsFromString = vi.fn();
vi.mock("node:v8", () => ({ setFlagsFromString }));
const { setWorkerOldSpaceFloor } = await import("./worker-heap.js");

describe("setWorkerOldSpaceFloor", () => {
  const execArgv = process.execArgv;
  afterEach(() => {
    setFlagsFromString.mockClear();
    process.execArgv = execArgv;
  });

  it("sets V8's initial old-space size for the worker isolates created next", () => {
    setWorkerOldSpaceFloor(128);
    expect(setFlagsFromString).toHaveBeenCalledWith("--initial-old-space-size=128");
  });

  it("leaves V8's default with 0", () => {
    setWorkerOldSpaceFloor(0);
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });

  it("sets the workers' size even when the command line gave the main thread its own", () => {
    process.execArgv = [...execArgv, "--initial-old-space-size=64"];
    setWorkerOldSpaceFloor(128);
    expect(setFlagsFromString).toHaveBeenCalledWith("--initial-old-space-size=128");
  });
});
