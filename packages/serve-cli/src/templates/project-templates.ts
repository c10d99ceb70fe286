import { onnxTemplate } from "./onnx-template.js";
import type { ProjectTemplate } from "./project-template.js";
import { tabularTemplate } from "./tabular-template.js";
import { textTemplate } from "./text-template.js";

/** The templates of `serve-cli init --template`, by name; the first is the default. */
export const PROJECT_TEMPLATES = {
  text: textTemplate,
  onnx: onnxTemplate,
  tabular: tabularTemplate,
} as const satisfies Record<string, ProjectTemplate>;

/** A name `serve-cli init --template` accepts. */
export type TemplateName = keyof typeof PROJECT_TEMPLATES;

/** The template names, default first, e.g. for a usage message. */
export const TEMPLATE_NAMES = Object.keys(PROJECT_TEMPLATES) as TemplateName[];

/**
 * Whether `name` is one of {@link TEMPLATE_NAMES}.
 *
 * @example
 * isTemplateName("onnx"); // true
 */
export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(PROJECT_TEMPLATES, name);
}
