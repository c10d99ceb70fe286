import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type ServeOptionMeta, serveOptionsSchema } from "./serve-options-schema.js";

const DOC = "docs/production.md";
const markdown = readFileSync(new URL(`../../../${DOC}`, import.meta.url), "utf8");

/** Rows of every table whose first cell is one backticked name: name → cells after it. */
function optionRows(text: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    const key = /^`([\w.]+)`$/.exec(cells[1] ?? "")?.[1];
    if (line.startsWith("|") && key) rows.set(key, cells.slice(2));
  }
  return rows;
}

/** Ways a default may be written: 30000 as "30 000", "30_000" or "30000"; 20 MiB as "20 MiB". */
function spellings(value: unknown): string[] {
  if (typeof value === "number") {
    const grouped = (separator: string) => String(value).replace(/\B(?=(\d{3})+$)/g, separator);
    const mib = value >= 1024 * 1024 && value % (1024 * 1024) === 0;
    return [grouped(" "), String(value), grouped("_"), ...(mib ? [`${value / 2 ** 20} MiB`] : [])];
  }
  if (Array.isArray(value)) return value.length === 0 ? ["[]", "none"] : [value.join(", ")];
  return [String(value)];
}

/** Whether `cell` states `value`: a list by each of its items, anything else in one of its spellings. */
function statesDefault(cell: string, value: unknown): boolean {
  if (Array.isArray(value) && value.length > 0)
    return value.every((item) => mentions(cell, String(item)));
  return spellings(value).some((s) => mentions(cell, s));
}

/** Whether `cell` holds `spelling` as a whole token (so that "0" is not found in "30 000"). */
function mentions(cell: string, spelling: string): boolean {
  const at = cell.indexOf(spelling);
  if (at < 0) return false;
  const before = cell[at - 1] ?? " ";
  const after = cell[at + spelling.length] ?? " ";
  return !/[\w.]/.test(before) && !/[\d]/.test(after);
}

interface Field {
  meta: ServeOptionMeta | undefined;
  defaultValue: unknown;
  hasDefault: boolean;
  object: z.ZodObject | undefined;
}

function describeField(schema: z.ZodType): Field {
  const meta = schema.meta() as ServeOptionMeta | undefined;
  let inner: z.ZodType = schema;
  let hasDefault = false;
  let defaultValue: unknown;
  for (;;) {
    if (inner instanceof z.ZodDefault || inner instanceof z.ZodPrefault) {
      hasDefault = true;
      defaultValue = inner.def.defaultValue;
      inner = inner.unwrap() as z.ZodType;
    } else if (inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
    else break;
  }
  return {
    meta,
    hasDefault,
    defaultValue,
    object: inner instanceof z.ZodObject ? inner : undefined,
  };
}

/** What is wrong with how `docs/production.md` documents option `key`, if anything. */
function problemsWith(key: string, field: Field, rows: Map<string, string[]>): string[] {
  const row = rows.get(key);
  const example = field.hasDefault ? spellings(field.defaultValue)[0] : field.meta?.defaultText;
  if (!row)
    return [
      `${DOC} does not document \`${key}\`: add a row "| \`${key}\` | ${example ?? "…"} | what it does and when to change it |" to the option table of the section it belongs to`,
    ];
  const [defaultCell = "", ...rest] = row;
  const problems: string[] = [];
  if (field.object) {
    for (const [name, nestedSchema] of Object.entries(field.object.shape)) {
      const nested = describeField(nestedSchema as z.ZodType);
      const nestedRow = rows.get(`${key}.${name}`);
      const inParent = nested.hasDefault
        ? spellings(nested.defaultValue).some((s) => mentions(defaultCell, `${name}: ${s}`))
        : [defaultCell, ...rest].some((cell) => cell.includes(name));
      if (!nestedRow && !inParent)
        problems.push(
          `${DOC} does not document \`${key}.${name}\`: write it in \`${key}\`'s row (${nested.hasDefault ? `"${name}: ${spellings(nested.defaultValue)[0]}" in its default` : `"${name}"`}) or add a row for \`${key}.${name}\``,
        );
    }
  } else if (field.hasDefault) {
    if (!statesDefault(defaultCell, field.defaultValue))
      problems.push(
        `${DOC} gives \`${key}\` the default "${defaultCell}", but serveOptionsSchema's is ${JSON.stringify(field.defaultValue)}: write ${spellings(field.defaultValue).join(" or ")} in its default column`,
      );
  } else if (field.meta?.defaultText && !defaultCell.includes(field.meta.defaultText)) {
    problems.push(
      `${DOC} gives \`${key}\` the default "${defaultCell}", but serveOptionsSchema says "${field.meta.defaultText}": write that in its default column`,
    );
  }
  if (field.meta?.env && !defaultCell.includes(field.meta.env))
    problems.push(
      `${DOC} does not say that \`${key}\` defaults to the environment variable ${field.meta.env}: name \`${field.meta.env}\` in its default column`,
    );
  return problems;
}

describe(`${DOC}`, () => {
  const rows = optionRows(markdown);

  it("documents every option of serveOptionsSchema, nested ones included, with its default", () => {
    const problems = Object.entries(serveOptionsSchema.shape).flatMap(([key, schema]) =>
      problemsWith(key, describeField(schema as z.ZodType), rows),
    );
    expect(problems).toEqual([]);
  });

  it("gives every option a description and a stated default in the schema", () => {
    const missing = Object.entries(serveOptionsSchema.shape).flatMap(([key, schema]) => {
      const field = describeField(schema as z.ZodType);
      return [
        ...(field.meta?.description ? [] : [`\`${key}\` has no description`]),
        ...(field.hasDefault || field.meta?.defaultText
          ? []
          : [`\`${key}\` has neither .default() nor meta defaultText`]),
      ];
    });
    expect(missing).toEqual([]);
  });

  it("would notice a missing row and a wrong default", () => {
    const trimmed = new Map(rows);
    trimmed.delete("maxQueue");
    trimmed.set("bodyReadTimeoutMs", ["31 000", ""]);
    const problems = Object.entries(serveOptionsSchema.shape).flatMap(([key, schema]) =>
      ["maxQueue", "bodyReadTimeoutMs"].includes(key)
        ? problemsWith(key, describeField(schema as z.ZodType), trimmed)
        : [],
    );
    expect(problems).toEqual([
      expect.stringContaining('does not document `maxQueue`: add a row "| `maxQueue` | 64 |'),
      expect.stringContaining(
        'gives `bodyReadTimeoutMs` the default "31 000", but serveOptionsSchema\'s is 30000',
      ),
    ]);
  });
});
