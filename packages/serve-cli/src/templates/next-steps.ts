import { shellQuote } from "../deploy/shell-quote.js";
import { PROJECT_TEMPLATES, type TemplateName } from "./project-templates.js";

/**
 * The commands to run after `serve-cli init`, one per line, for the
 * directory as the user typed it.
 *
 * @example
 * nextSteps({ dir: "iris", template: "onnx" });
 * // ["cd iris", "ONNXRUNTIME_NODE_INSTALL=skip npm install   # …", "npm test", …]
 */
export function nextSteps(options: { dir: string; template: TemplateName }): string[] {
  const template = PROJECT_TEMPLATES[options.template];
  const install = template.installHint
    ? `${template.install}   # ${template.installHint}, see README.md`
    : template.install;
  return [
    ...(options.dir === "." ? [] : [`cd ${shellQuote(options.dir)}`]),
    install,
    "npm test",
    "npm start",
    `npm run predict -- ${template.predictExample}`,
  ];
}
