import { describe, expect, it } from "vitest";
import { npmrc, registryUrl } from "./npmrc.js";

describe("registryUrl", () => {
  it("accepts http and https URLs, trimmed", () => {
    expect(registryUrl(" http://localhost:4873/ ")).toBe("http://localhost:4873/");
    expect(registryUrl("https://npm.example.com/team/")).toBe("https://npm.example.com/team/");
  });

  it.each(["localhost:4873", "ftp://npm.example.com/", "npm.example.com", "", "https://a b/"])(
    "rejects %j, saying what would be right",
    (value) => {
      expect(() => registryUrl(value)).toThrow(
        `--registry must be an http(s) URL like https://npm.example.com/ or http://localhost:4873/, got ${JSON.stringify(value)}`,
      );
    },
  );
});

describe("npmrc", () => {
  it("scopes the registry to @servekit", () => {
    expect(npmrc("http://localhost:4873/")).toBe("@servekit:registry=http://localhost:4873/\n");
  });
});
