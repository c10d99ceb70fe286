import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's chromium (a system package, never a downloaded browser); CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Whether the browser suites run: .ci/run installs chromium and CI always runs
 * them; on a machine without it they are skipped, saying why.
 */
export const runBrowser = existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!runBrowser)
  console.warn(`skipping the browser tests: ${CHROMIUM} not found (apt-get install chromium)`);

/** Starts headless Chromium with a fresh profile, without the sandbox containers lack. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}
