import { readFile } from "node:fs/promises";

/**
 * Parses a `.names` file: one class name per line, line n naming class n - 1.
 * Surrounding whitespace and trailing blank lines are ignored; a blank line
 * between names is an error, because it would shift every later class id.
 *
 * @example
 * parseLabels("person\nbicycle\n"); // ["person", "bicycle"]
 */
export function parseLabels(text: string): string[] {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const blank = lines.indexOf("");
  if (blank !== -1) {
    throw new Error(
      `class names must be one per line with no blank lines, but line ${blank + 1} is blank; ` +
        "remove it (class ids are line numbers)",
    );
  }
  if (lines.length === 0) throw new Error("class names file is empty; expected one name per line");
  return lines;
}

/**
 * Reads class names from a `.names` file (e.g. COCO's `coco.names`).
 *
 * @example
 * const labels = await loadLabels("/models/coco.names"); // labels[0] === "person"
 */
export async function loadLabels(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new Error(`cannot read class names from ${path}`, { cause });
  }
  try {
    return parseLabels(text);
  } catch (cause) {
    throw new Error(`${path}: ${(cause as Error).message}`, { cause });
  }
}
