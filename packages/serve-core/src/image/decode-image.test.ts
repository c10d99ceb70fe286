import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { ServeError } from "../errors.js";
import { pngHeaderClaiming, sharedImage } from "../test-support/images.js";
import { decodeImage } from "./decode-image.js";

const W = 6;
const H = 4;

/** A W×H image of one colour, through sharp's raw input. */
function solid(channels: 1 | 2 | 3 | 4, values: number[]) {
  const pixels = Buffer.alloc(W * H * channels);
  for (let i = 0; i < pixels.length; i++) pixels[i] = values[i % channels]!;
  return sharp(pixels, { raw: { width: W, height: H, channels } });
}

function pixelAt(image: { data: Uint8Array; width: number }, x: number, y: number): number[] {
  const i = (y * image.width + x) * 3;
  return Array.from(image.data.subarray(i, i + 3));
}

async function expectInvalid(
  promise: Promise<unknown>,
  path: (string | number)[],
  pattern: RegExp,
) {
  const error = await promise.then(
    () => expect.fail("expected decodeImage to reject"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServeError);
  const serveError = error as ServeError;
  expect(serveError.code).toBe("INVALID_INPUT");
  expect(serveError.status).toBe(422);
  expect(serveError.details).toEqual([{ path, message: expect.stringMatching(pattern) }]);
}

describe("decodeImage", () => {
  it("decodes bus.jpg to the very bytes cv2.imread gives, embedded ICC profile ignored", async () => {
    const fixture = JSON.parse(
      readFileSync(new URL("./fixtures/bus.letterbox.json", import.meta.url), "utf8"),
    );
    const image = await decodeImage(sharedImage("bus.jpg"));
    expect([image.width, image.height]).toEqual([fixture.decoded.width, fixture.decoded.height]);
    expect(image.data.length).toBe(810 * 1080 * 3);
    const digest = createHash("sha256").update(image.data).digest("hex");
    expect(digest).toBe(fixture.decoded.sha256);
  });

  it("replicates grayscale to RGB (JPEG and PNG, with and without alpha)", async () => {
    const gray = solid(1, [77]).toColourspace("b-w");
    for (const bytes of [
      await gray.clone().png().toBuffer(),
      await gray.clone().jpeg({ quality: 100 }).toBuffer(),
      await solid(2, [77, 0]).toColourspace("b-w").png().toBuffer(),
    ]) {
      const image = await decodeImage(bytes);
      expect(image.data.length).toBe(W * H * 3);
      expect(pixelAt(image, 2, 1)).toEqual([77, 77, 77]);
    }
  });

  it("drops alpha without compositing, like IMREAD_COLOR", async () => {
    const image = await decodeImage(await solid(4, [200, 100, 50, 0]).png().toBuffer());
    expect(pixelAt(image, 0, 0)).toEqual([200, 100, 50]);
    expect(image.data.length).toBe(W * H * 3);
  });

  it("converts CMYK JPEGs with OpenCV's formula, not an ICC profile", async () => {
    const cmyk = await solid(3, [200, 100, 50])
      .toColourspace("cmyk")
      .jpeg({ quality: 100 })
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe("cmyk");
    const raw = await sharp(cmyk)
      .pipelineColourspace("cmyk")
      .toColourspace("cmyk")
      .raw()
      .toBuffer();
    const [c, m, y, k] = [raw[0]!, raw[1]!, raw[2]!, raw[3]!];
    const expected = [c, m, y].map((v) => 255 - k - ((v * (255 - k)) >> 8));
    const image = await decodeImage(cmyk);
    expect(pixelAt(image, 0, 0)).toEqual(expected);
    // Near the original colour only: sharp made the CMYK through an ICC profile,
    // which the naive formula does not invert.
    for (const [got, want] of pixelAt(image, 0, 0).map((v, i) => [v, [200, 100, 50][i]!])) {
      expect(Math.abs(got! - want!)).toBeLessThan(48);
    }
  });

  it("reduces 16-bit PNGs to their high byte", async () => {
    const words = new Uint16Array(W * H * 3).fill(0x1234);
    for (let i = 1; i < words.length; i += 3) words[i] = 0xabff;
    const png = await sharp(words, { raw: { width: W, height: H, channels: 3 } })
      .toColourspace("rgb16")
      .png()
      .toBuffer();
    expect((await sharp(png).metadata()).depth).toBe("ushort");
    const image = await decodeImage(png);
    expect(pixelAt(image, 1, 1)).toEqual([0x12, 0xab, 0x12]);
  });

  it("applies EXIF orientation (6: rotate 90° clockwise, so width and height swap)", async () => {
    const pixels = Buffer.alloc(W * H * 3);
    pixels.set([255, 0, 0], 0); // top-left pixel red
    const jpeg = await sharp(pixels, { raw: { width: W, height: H, channels: 3 } })
      .jpeg({ quality: 100 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const image = await decodeImage(jpeg);
    expect([image.width, image.height]).toEqual([H, W]);
    // After a clockwise turn the old top-left corner is the new top-right one.
    expect(pixelAt(image, H - 1, 0)[0]).toBeGreaterThan(100);
    expect(pixelAt(image, 0, 0)[0]).toBeLessThan(100);
  });

  it("rejects truncated JPEGs as invalid input naming the field", async () => {
    const noise = Uint8Array.from({ length: 96 * 96 * 3 }, (_, i) => (i * 7919) % 251);
    const jpeg = await sharp(noise, { raw: { width: 96, height: 96, channels: 3 } })
      .jpeg()
      .toBuffer();
    for (const cut of [0.6, 0.1]) {
      // 60%: the pixel data ends early; 10%: even the header is cut.
      await expectInvalid(
        decodeImage(jpeg.subarray(0, Math.floor(jpeg.length * cut)), { field: "photo" }),
        ["photo"],
        /could not be decoded: corrupt or truncated/,
      );
    }
  });

  it("rejects random bytes, empty input and vector formats", async () => {
    let seed = 7;
    const noise = Uint8Array.from({ length: 512 }, () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 24;
    });
    await expectInvalid(decodeImage(noise), ["image"], /is not a JPEG, PNG/);
    await expectInvalid(decodeImage(new Uint8Array(0)), ["image"], /is empty/);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>');
    await expectInvalid(decodeImage(svg, { field: ["images", 2] }), ["images", 2], /is a svg file/);
  });

  it("rejects images over maxPixels from the header alone, before decoding", async () => {
    // A PNG header claiming 60000×60000 with no pixel data behind it: only the header is read.
    await expectInvalid(
      decodeImage(pngHeaderClaiming(60_000, 60_000)),
      ["image"],
      /is 60000×60000 \(3600\.0 megapixels\); at most 50\.0 megapixels/,
    );
    const small = await solid(3, [1, 2, 3]).png().toBuffer();
    await expectInvalid(decodeImage(small, { maxPixels: 20 }), ["image"], /is 6×4/);
    await expect(decodeImage(small, { maxPixels: 24 })).resolves.toMatchObject({ width: 6 });
  });
});
