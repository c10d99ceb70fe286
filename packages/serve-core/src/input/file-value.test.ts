import { describe, expect, it } from "vitest";
import { decodeFileValue, sniffMediaType } from "./file-value.js";

const jpegStart = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);

describe("decodeFileValue", () => {
  it("decodes plain base64 and sniffs the media type", () => {
    const decoded = decodeFileValue(Buffer.from(jpegStart).toString("base64"));
    expect(decoded).toMatchObject({ mediaType: "image/jpeg" });
    expect([...(decoded as { data: Uint8Array }).data]).toEqual([...jpegStart]);
  });

  it("takes the media type from a data URL", () => {
    const decoded = decodeFileValue(
      `data:image/webp;base64,${Buffer.from("abc").toString("base64")}`,
    );
    expect(decoded).toMatchObject({ mediaType: "image/webp" });
  });

  it("accepts URL-safe base64 and line-wrapped base64", () => {
    expect(typeof decodeFileValue("_-_-")).not.toBe("string");
    expect(typeof decodeFileValue("QUJD\nREVG\n")).not.toBe("string");
  });

  it("says what is wrong with non-base64 text, URLs and non-base64 data URLs", () => {
    expect(decodeFileValue("hello world!")).toMatch(/not valid base64/);
    expect(decodeFileValue("https://example.com/cat.jpg")).toMatch(/URLs are not fetched/);
    expect(decodeFileValue("data:text/plain,hello")).toMatch(/must be base64-encoded/);
  });
});

describe("sniffMediaType", () => {
  it("recognises common image formats and falls back to octet-stream", () => {
    expect(sniffMediaType(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBe("image/png");
    expect(sniffMediaType(Buffer.from("RIFF\0\0\0\0WEBP"))).toBe("image/webp");
    expect(sniffMediaType(Uint8Array.from([1, 2, 3]))).toBe("application/octet-stream");
  });
});
