import type { DependencySpecs } from "./dependency-specs.js";
import { dockerignore, gitignore } from "./ignore-files.js";
import { npmrc } from "./npmrc.js";
import { packageJson } from "./package-json.js";
import type { FileContent } from "./project-template.js";
import { PROJECT_TEMPLATES, type TemplateName } from "./project-templates.js";
import { readme } from "./readme.js";
import { tsconfigJson } from "./tsconfig-json.js";

export type { DependencySpecs } from "./dependency-specs.js";

/** What a new project is made from. */
export interface ProjectSpec {
  /** The npm package name (also the predictor's name). */
  name: string;
  /** @default "text" */
  template?: TemplateName;
  /** Where @servekit/core and @servekit/cli come from. */
  servekit: DependencySpecs;
  /** A registry for the `@servekit` scope, written to `.npmrc`; checked by the caller. */
  registry?: string;
}

/**
 * The files of a new predictor project, by relative path: the template's own
 * (predictor, config, test, model) and the shared ones (package.json,
 * tsconfig.json, README.md, .gitignore, .dockerignore, and .npmrc with a
 * registry). Pure: no I/O.
 *
 * @example
 * projectFiles({ name: "iris", template: "onnx", servekit: { core: "^0.1.0", cli: "^0.1.0" } });
 */
export function projectFiles(spec: ProjectSpec): Record<string, FileContent> {
  const template = PROJECT_TEMPLATES[spec.template ?? "text"];
  return {
    "package.json": packageJson({
      name: spec.name,
      servekit: spec.servekit,
      dependencies: withPins(template.dependencies, spec.servekit.pinned),
    }),
    ...template.files(spec.name),
    "tsconfig.json": tsconfigJson(),
    "README.md": readme({
      name: spec.name,
      template,
      servekit: spec.servekit,
      ...(spec.registry ? { registry: spec.registry } : {}),
    }),
    ".gitignore": gitignore(),
    ".dockerignore": dockerignore(),
    ...(spec.registry ? { ".npmrc": npmrc(spec.registry) } : {}),
  };
}

/** The template's dependencies, with the pinned versions of those it has. */
function withPins(
  dependencies: Readonly<Record<string, string>>,
  pinned: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(dependencies).map(([name, range]) => [name, pinned[name] ?? range]),
  );
}
