/**
 * The project's `.gitignore`: installs, build output, local secrets and logs.
 *
 * @example
 * writeFileSync(".gitignore", gitignore());
 */
export function gitignore(): string {
  return lines([
    "node_modules/",
    "dist/",
    "coverage/",
    ".servekit/",
    ".env",
    ".env.*",
    "*.log",
    ".DS_Store",
  ]);
}

/**
 * The project's `.dockerignore`: what an image of the predictor must not
 * contain (installs from the host, git history, tests, secrets, docs).
 * Model files and `.npmrc` stay: the image needs them.
 *
 * @example
 * writeFileSync(".dockerignore", dockerignore());
 */
export function dockerignore(): string {
  return lines([
    "node_modules/",
    "dist/",
    "coverage/",
    ".servekit/",
    ".git/",
    ".gitignore",
    ".dockerignore",
    "*.test.ts",
    "**/*.test.ts",
    ".env",
    ".env.*",
    "*.log",
    "*.md",
    ".vscode/",
    ".idea/",
    ".DS_Store",
  ]);
}

function lines(entries: readonly string[]): string {
  return `${entries.join("\n")}\n`;
}
