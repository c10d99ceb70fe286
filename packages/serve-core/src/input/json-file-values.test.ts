import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { findBase64FileValues } from "./json-file-values.js";

const bytes = randomBytes(30_000);
const base64 = bytes.toString("base64");
const keys = new Set(["image", "mask"]);

function find(json: string) {
  return findBase64FileValues(Buffer.from(json), keys);
}

/** The body JSON.parse would see after the found values are cut out, as the reader does it. */
function rest(json: string): unknown {
  const body = Buffer.from(json);
  let text = "";
  let pos = 0;
  for (const value of findBase64FileValues(body, keys)) {
    text += `${body.toString("utf8", pos, value.start)}null`;
    pos = value.end;
  }
  return JSON.parse(text + body.toString("utf8", pos));
}

describe("findBase64FileValues", () => {
  it("decodes a top-level base64 file value from the bytes, wherever it sits", () => {
    for (const json of [
      `{"image":"${base64}"}`,
      `{ "n": 1, "image" : "${base64}" , "s": "x" }`,
      `{"a":{"b":[1,"{",{"c":"}"}]},"t":"q\\"}","image":\n"${base64}"}`,
    ]) {
      const [found, ...more] = find(json);
      expect(more).toEqual([]);
      expect(found?.key).toBe("image");
      expect(found?.data.equals(bytes)).toBe(true);
      const parsed = rest(json) as Record<string, unknown>;
      expect(parsed.image).toBeNull();
      expect({ ...parsed, image: base64 }).toEqual(JSON.parse(json));
    }
  });

  it("finds two file fields and leaves the other strings alone", () => {
    const json = `{"image":"${base64}","caption":"${base64}","mask":"${base64}"}`;
    expect(find(json).map((v) => v.key)).toEqual(["image", "mask"]);
    expect(rest(json)).toEqual({ image: null, caption: base64, mask: null });
  });

  it("decodes every padding and the URL-safe alphabet, across decoding steps", () => {
    for (const size of [60_000, 60_001, 60_002]) {
      const data = randomBytes(size);
      for (const text of [data.toString("base64"), data.toString("base64url")]) {
        const [found] = find(`{"image":"${text}"}`);
        expect(found?.data.equals(data), `${size} bytes, ${text.slice(-3)}`).toBe(true);
      }
    }
  });

  it("refuses a value with a non-base64 character anywhere, even far past the first step", () => {
    const long = randomBytes(60_000).toString("base64");
    for (const bad of ["!", "=", " ", "é"]) {
      const text = `${long.slice(0, 70_001)}${bad}${long.slice(70_002)}`;
      expect(find(`{"image":"${text}"}`), JSON.stringify(bad)).toEqual([]);
    }
  });

  it("leaves everything else to JSON.parse", () => {
    const cases = {
      "a nested value": `{"input":{"image":"${base64}"}}`,
      "a value in an array": `{"list":["image","${base64}"]}`,
      "a key whose value is another key's": `{"image":1,"other":"${base64}"}`,
      "a data URL": `{"image":"data:image/jpeg;base64,${base64}"}`,
      "an escape inside": `{"image":"${base64.slice(0, 20_000)}\\/${base64.slice(20_000)}"}`,
      "a raw newline inside (invalid JSON)": `{"image":"${base64.slice(0, 20_000)}\n${base64.slice(20_000)}"}`,
      "a short value": `{"image":"${base64.slice(0, 100)}","pad":"${"x".repeat(20_000)}"}`,
      "a key sent twice": `{"image":"${base64}","image":"${base64}"}`,
      "a top-level array": `["image","${base64}"]`,
      "an escaped quote ending the key": `{"ima\\"ge":"${base64}"}`,
      "an unterminated string": `{"image":"${base64}`,
    };
    for (const [what, json] of Object.entries(cases)) expect(find(json), what).toEqual([]);
  });

  it("tells an escaped quote from a closing one by counting the backslashes", () => {
    // "a\\" ends after two backslashes (an escaped backslash); "b\\\"" goes on past an escaped quote.
    const json = `{"t":"a\\\\","u":"b\\\\\\":","image":"${base64}"}`;
    expect(find(json).map((v) => v.key)).toEqual(["image"]);
    expect(rest(json)).toEqual({ t: "a\\", u: 'b\\":', image: null });
  });
});
