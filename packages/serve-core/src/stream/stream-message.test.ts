import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ServeError } from "../errors.js";
import { deadLetterEntry } from "./dead-letter.js";
import { isRetryable, messageInput, outputEntry } from "./stream-message.js";

const shape = {
  text: z.string(),
  count: z.number().int(),
  tags: z.array(z.string()).optional(),
  flag: z.boolean().optional(),
};

describe("messageInput", () => {
  it("reads one field per input field, coerced as -i key=value is", () => {
    const message = messageInput(
      {
        entryId: "1-0",
        fields: { text: "42", count: "3", tags: '["a","b"]', flag: "true" },
      },
      shape,
    );
    expect(message).toEqual({
      id: "1-0",
      raw: { text: "42", count: 3, tags: ["a", "b"], flag: true },
    });
  });

  it("takes the whole input from a JSON field `input`, and the id from the field `id`", () => {
    const message = messageInput(
      { entryId: "1-0", fields: { id: "order-7", input: '{"text":"hi","count":2}' } },
      shape,
    );
    expect(message).toEqual({ id: "order-7", raw: { text: "hi", count: 2 } });
  });

  it("refuses an `input` field that is not JSON, saying what it must be (no retry can fix it)", () => {
    let error: unknown;
    try {
      messageInput({ entryId: "5-0", fields: { input: "text=hi" } }, shape);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ServeError);
    expect((error as ServeError).code).toBe("MALFORMED_REQUEST");
    expect((error as ServeError).message).toContain("must be the input as JSON");
    expect(isRetryable(error)).toBe(false);
  });
});

describe("isRetryable", () => {
  it("retries failures that may pass next time, not inputs that will fail again", () => {
    expect(isRetryable(new Error("boom"))).toBe(true);
    expect(isRetryable(new ServeError("PREDICTION_FAILED", "x"))).toBe(true);
    expect(isRetryable(new ServeError("TIMEOUT", "x"))).toBe(true);
    expect(isRetryable(new ServeError("DRAINING", "x"))).toBe(true);
    expect(isRetryable(new ServeError("INVALID_INPUT", "x"))).toBe(false);
    expect(isRetryable(new ServeError("MODEL_NOT_FOUND", "x"))).toBe(false);
  });
});

describe("outputEntry and deadLetterEntry", () => {
  it("write the input's id, the output or error as JSON, the model and version", () => {
    expect(
      outputEntry({
        id: "a1",
        result: { output: { n: 3 } },
        model: "echo",
        version: "2",
        predictTimeMs: 12.5,
      }),
    ).toEqual({
      id: "a1",
      output: '{"n":3}',
      model: "echo",
      version: "2",
      predict_time: "0.012500",
    });
    const failed = outputEntry({
      id: "a2",
      result: { error: { code: "PREDICTION_FAILED", message: "prediction failed" } },
      model: "echo",
      version: "2",
    });
    expect(JSON.parse(failed.error!)).toEqual({
      code: "PREDICTION_FAILED",
      message: "prediction failed",
    });
    expect(failed).not.toHaveProperty("output");
  });

  it("keeps a dead message's original fields, attempts and the predictor's own error message", () => {
    const error = new ServeError("PREDICTION_FAILED", "prediction failed; see the log", {
      cause: new Error("weights are corrupt"),
    });
    const entry = deadLetterEntry({
      entry: { entryId: "9-1", fields: { id: "p1", text: "x" } },
      id: "p1",
      error,
      attempts: 3,
      stream: "in",
      consumer: "c1",
    });
    expect(entry).toMatchObject({
      id: "p1",
      attempts: "3",
      stream: "in",
      entry_id: "9-1",
      consumer: "c1",
    });
    expect(JSON.parse(entry.fields!)).toEqual({ id: "p1", text: "x" });
    expect(JSON.parse(entry.error!)).toEqual({
      code: "PREDICTION_FAILED",
      message: "prediction failed; see the log",
      cause: "weights are corrupt",
    });
  });
});
