/**
 * A template's `serve.config.ts`: the entry and port every project has, then
 * the template's own settings and comments (already indented by two spaces).
 *
 * @example
 * serveConfigTs(['  workers: 2,'])
 */
export function serveConfigTs(settings: string[]): string {
  // serve-cli's defineConfig: it types the server options and the image's \`build\` settings.
  return `import { defineConfig } from "@servekit/cli/config";

export default defineConfig({
  entry: "predictor.ts",
  port: 8000,
${settings.map((line) => `${line}\n`).join("")}});
`;
}
