import type { DependencySpecs } from "./dependency-specs.js";

/** What the scaffolded package.json is made of. */
export interface PackageJsonSpec {
  name: string;
  servekit: DependencySpecs;
  /** Further runtime dependencies, e.g. onnxruntime-node. */
  dependencies: Readonly<Record<string, string>>;
}

/**
 * The project's package.json: an ES module package whose runtime
 * dependencies include @servekit/cli, because the container image runs
 * `serve-cli run` from its node_modules.
 *
 * @example
 * packageJson({ name: "iris", servekit: { core: "^0.1.0", cli: "^0.1.0" }, dependencies: {} });
 */
export function packageJson(spec: PackageJsonSpec): string {
  const manifest = {
    name: spec.name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: {
      start: "serve-cli run",
      predict: "serve-cli predict",
      test: "vitest run",
      typecheck: "tsc --noEmit",
      // Not "build": the image's own install step runs `npm run build` when there is one.
      "build:image": "serve-cli build",
    },
    dependencies: sortedKeys({
      "@servekit/cli": spec.servekit.cli,
      "@servekit/core": spec.servekit.core,
      ...spec.dependencies,
    }),
    devDependencies: {
      "@types/node": "^20.19.0",
      typescript: "^5.9.0",
      vitest: "^4.1.0",
    },
    engines: { node: ">=20" },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** npm writes dependencies sorted; so does this, so `npm install` leaves the file alone. */
function sortedKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
