import type { ProjectTemplate } from "./project-template.js";
import { serveConfigTs } from "./serve-config-ts.js";

/** `--template tabular`: house-price scoring of CSV-like rows with a linear model written as data. */
export const tabularTemplate: ProjectTemplate = {
  summary: "house-price scoring of up to 1000 rows per request with a linear model in plain data",
  dependencies: {},
  install: "npm install",
  predictExample: `-i 'rows=[{"sqft":1800,"bedrooms":3,"bathrooms":2,"year_built":1985,"neighborhood":"suburb"}]'`,
  readmeIntro: `It estimates house sale prices for a batch of rows (like the
lines of a CSV file, 1 to 1000 per request) with a linear model: numeric
columns standardised, the neighbourhood one-hot encoded, all written out as
data in \`model.ts\`.`,
  readmeNotes: `The coefficients in \`model.ts\` are made up to look plausible; they were not
fitted to real sales. Replace them with your own model's (the means and
standard deviations come from your training data), or replace \`priceOf\` with
any function of a row. Change the columns in \`predictor.ts\`'s \`Row\` schema:
a request with a bad value fails with the path of the field, e.g. \`rows.1.sqft\`.`,
  files: (name) => ({
    "predictor.ts": predictorTs(name),
    "model.ts": MODEL_TS,
    "serve.config.ts": serveConfigTs([
      "  // A linear model is cheap: predictions run on the server's thread. For a heavier",
      '  // model, run them in worker threads: workers: "auto".',
    ]),
    "predictor.test.ts": testTs(name),
  }),
};

function predictorTs(name: string): string {
  return `import { definePredictor, z } from "@servekit/core";
import { NEIGHBORHOODS, priceOf } from "./model.js";

const Row = z.object({
  sqft: z.number().min(100).max(100_000).describe("Living area, square feet"),
  bedrooms: z.number().int().min(0).max(20),
  bathrooms: z.number().min(0).max(20).describe("Half baths count 0.5"),
  year_built: z.number().int().min(1800).max(2100),
  neighborhood: z.enum(NEIGHBORHOODS),
});

/** Estimates sale prices for a batch of houses, one row per house. */
export const predictor = definePredictor({
  name: ${JSON.stringify(name)},
  version: "0.1.0",
  description: "House sale price estimates (USD) for 1 to 1000 rows per request.",
  input: z.object({
    rows: z.array(Row).min(1).max(1000).describe("Houses to price, like the lines of a CSV file"),
  }),
  output: z.object({
    predictions: z
      .array(z.object({ price: z.number().describe("Estimated sale price, USD, to the hundred") }))
      .describe("One per row, in the same order"),
  }),
  examples: [
    {
      rows: [
        { sqft: 1800, bedrooms: 3, bathrooms: 2, year_built: 1985, neighborhood: "suburb" },
        { sqft: 2450, bedrooms: 4, bathrooms: 2.75, year_built: 2010, neighborhood: "city_center" },
      ],
    },
  ],
  predict: ({ rows }) => ({ predictions: rows.map((row) => ({ price: priceOf(row) })) }),
});
`;
}

const MODEL_TS = `/** Neighbourhoods the model knows, the categories of its one-hot column. */
export const NEIGHBORHOODS = ["city_center", "suburb", "rural"] as const;

/** A house as the model sees it. */
export interface House {
  sqft: number;
  bedrooms: number;
  bathrooms: number;
  year_built: number;
  neighborhood: (typeof NEIGHBORHOODS)[number];
}

type NumericColumn = Exclude<keyof House, "neighborhood">;

/**
 * A linear model of sale price in USD. Numeric columns are standardised
 * ((value - mean) / std) before their weight applies; the neighbourhood is
 * one-hot encoded, so each category adds its own amount. Made-up but
 * plausible numbers: replace them with your fitted model's.
 */
export const MODEL = {
  intercept: 310_000,
  numeric: {
    sqft: { mean: 1800, std: 650, weight: 62_000 },
    bedrooms: { mean: 3, std: 1, weight: -4_000 },
    bathrooms: { mean: 2, std: 0.75, weight: 9_000 },
    year_built: { mean: 1985, std: 25, weight: 14_000 },
  } satisfies Record<NumericColumn, { mean: number; std: number; weight: number }>,
  neighborhood: {
    city_center: 85_000,
    suburb: 0,
    rural: -60_000,
  } satisfies Record<House["neighborhood"], number>,
} as const;

/** The model's price for one house, to the hundred dollars, never below zero. */
export function priceOf(house: House): number {
  let price = MODEL.intercept + MODEL.neighborhood[house.neighborhood];
  for (const [column, { mean, std, weight }] of Object.entries(MODEL.numeric)) {
    price += (weight * (house[column as NumericColumn] - mean)) / std;
  }
  return Math.max(0, Math.round(price / 100) * 100);
}
`;

function testTs(name: string): string {
  return `import { testPredictor } from "@servekit/core/testing";
import { describe, expect, it } from "vitest";
import { predictor } from "./predictor.js";

// At the mean of every numeric column, in the baseline neighbourhood: the model's intercept.
const average = {
  sqft: 1800,
  bedrooms: 3,
  bathrooms: 2,
  year_built: 1985,
  neighborhood: "suburb",
} as const;

describe(${JSON.stringify(name)}, () => {
  it("prices every row, in order", async () => {
    const tester = await testPredictor(predictor);
    const out = await tester.predict({
      rows: [
        average,
        // One standard deviation above the mean on every numeric column, in the city centre.
        { sqft: 2450, bedrooms: 4, bathrooms: 2.75, year_built: 2010, neighborhood: "city_center" },
      ],
    });
    expect(out).toEqual({ predictions: [{ price: 310_000 }, { price: 476_000 }] });
    await tester.close();
  });

  it("rejects a bad value, naming the row and the column", async () => {
    const tester = await testPredictor(predictor);
    const bad = tester.predict({ rows: [average, { ...average, sqft: -5 }] });
    await expect(bad).rejects.toMatchObject({ details: [{ path: ["rows", 1, "sqft"] }] });
    await tester.close();
  });

  it("rejects an empty batch", async () => {
    const tester = await testPredictor(predictor);
    const empty = tester.predict({ rows: [] });
    await expect(empty).rejects.toMatchObject({ details: [{ path: ["rows"] }] });
    await tester.close();
  });
});
`;
}
