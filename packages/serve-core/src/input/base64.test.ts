import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeBase64 } from "./base64.js";

describe("decodeBase64", () => {
  const bytes = randomBytes(100_003); // several decode steps, and a length that needs padding

  it("decodes a string and the same text inside a body's bytes alike, standard or URL-safe", () => {
    for (const text of [bytes.toString("base64"), bytes.toString("base64url")]) {
      expect(decodeBase64(text)).toEqual(bytes);
      const body = Buffer.from(`{"image":"${text}"}`, "latin1");
      expect(decodeBase64(body, 10, 10 + text.length)).toEqual(bytes);
    }
  });

  it("refuses text with a character that is not base64, wherever it is", () => {
    const text = bytes.toString("base64");
    for (const at of [0, 40_000, text.length - 3]) {
      const broken = `${text.slice(0, at)}*${text.slice(at + 1)}`;
      expect(decodeBase64(broken), `at ${at}`).toBeUndefined();
      expect(decodeBase64(Buffer.from(broken, "latin1"))).toBeUndefined();
    }
    expect(decodeBase64("abc=def=")).toBeUndefined(); // padding in the middle
    expect(decodeBase64("abcde")).toBeUndefined(); // a length no base64 has
  });

  it("decodes the empty string to no bytes", () => {
    expect(decodeBase64("")).toEqual(Buffer.alloc(0));
  });
});
