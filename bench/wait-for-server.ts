import type { ChildProcess } from "node:child_process";

/** Resolves with `child` once `url`/health/ready answers 200; rejects if it exits first. */
export function waitForServer(child: ChildProcess, url: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const poll = setInterval(async () => {
      const res = await fetch(`${url}/health/ready`).catch(() => undefined);
      if (res?.status === 200) {
        clearInterval(poll);
        resolve(child);
      }
    }, 200);
    child.once("exit", (code) => {
      clearInterval(poll);
      reject(new Error(`server exited ${code}`));
    });
  });
}
