/**
 * A template's `serve.config.ts`: the entry and port every project has, then
 * the template's own settings and comments (already indented by two spaces).
 *
 * @example
 * serveConfigTs(['  workers: 2,'])
 */
export function serveConfigTs(settings: string[]): string {
  return `import { defineConfig } from "@servekit/core";

export default defineConfig({
  entry: "predictor.ts",
  port: 8000,
${settings.map((line) => `${line}\n`).join("")}});
`;
}
