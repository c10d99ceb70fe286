import { definePredictor, z } from "@servekit/core";

export const predictor = definePredictor({
  name: "hello",
  version: "1.0.0",
  description: "Greets someone, as loudly as asked.",
  input: z.object({
    name: z.string().min(1).max(64).describe("Who to greet"),
    excitement: z.number().int().min(0).max(5).default(1).describe("How many exclamation marks"),
    language: z.enum(["en", "fr", "de"]).default("en").describe("Language of the greeting"),
  }),
  output: z.object({ greeting: z.string() }),
  examples: [{ name: "Ada", excitement: 2 }],
  setup(ctx) {
    ctx.log.info("loading greetings");
    return { hello: { en: "Hello", fr: "Bonjour", de: "Hallo" } };
  },
  predict({ name, excitement, language }, { state }) {
    return { greeting: `${state.hello[language]}, ${name}${"!".repeat(excitement)}` };
  },
});
