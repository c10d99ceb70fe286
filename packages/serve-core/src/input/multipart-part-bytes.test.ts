import { describe, expect, it } from "vitest";
import { makePng } from "../test-support/images.js";
import { multipartPartBytes, sniffedFilePart } from "./multipart-part-bytes.js";

function multipart(boundary: string, parts: [headers: string, body: Buffer][]): Buffer {
  return Buffer.concat([
    ...parts.flatMap(([headers, body]) => [
      Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`),
      body,
      Buffer.from("\r\n"),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
}

describe("multipartPartBytes", () => {
  it("gives back an untyped part's bytes exactly as sent, where FormData decodes them as text", async () => {
    const png = await makePng();
    const body = multipart("Xy--Z", [
      ['Content-Disposition: form-data; name="image"', png],
      ['Content-Disposition: form-data; name="count"', Buffer.from("2")],
    ]);
    const contentType = 'multipart/form-data; boundary="Xy--Z"';
    const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
    expect(typeof form.get("image")).toBe("string");

    const parts = multipartPartBytes(body, contentType);
    expect(Buffer.from(parts.get("image")!).equals(png)).toBe(true);
    expect(Buffer.from(parts.get("count")!).toString()).toBe("2");
    expect(sniffedFilePart(parts.get("image"))?.mediaType).toBe("image/png");
  });

  it("leaves text that is not a known file type (base64, a data URL) to be decoded as text", () => {
    const body = multipart("b", [
      ['Content-Disposition: form-data; name="image"', Buffer.from("iVBORw0KGgo=")],
    ]);
    const parts = multipartPartBytes(body, "multipart/form-data; boundary=b");
    expect(sniffedFilePart(parts.get("image"))).toBeUndefined();
    expect(multipartPartBytes(body, "multipart/form-data").size).toBe(0);
  });
});
