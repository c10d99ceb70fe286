import { describe, expect, it } from "vitest";
import { CliError } from "./cli-error.js";
import { policyTable } from "./policy-table.js";
import {
  type ModelPolicy,
  parseShadow,
  parseWeights,
  releaseAction,
  trafficChangeFor,
} from "./release-change.js";

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    return (error as CliError).message;
  }
  throw new Error("expected a usage error");
}

const twoVersions: ModelPolicy = {
  name: "yolov5",
  default: true,
  versions: [
    { version: "fp32", ready: true, inFlight: 3 },
    { version: "fp16", ready: true, inFlight: 0 },
    { version: "int8", ready: false, inFlight: 0, status: "STARTING" },
  ],
  traffic: { weights: { fp32: 90, fp16: 10 }, shadow: { version: "int8", fraction: 0.25 } },
};

describe("releaseAction", () => {
  it("reads each action flag", () => {
    expect(releaseAction({ set: "fp32=90, fp16=10" })).toEqual({
      kind: "set",
      weights: { fp32: 90, fp16: 10 },
    });
    expect(releaseAction({ promote: "fp16" })).toEqual({ kind: "promote", version: "fp16" });
    expect(releaseAction({ shadow: "fp16=0.1" })).toEqual({
      kind: "shadow",
      shadow: { version: "fp16", fraction: 0.1 },
    });
    expect(releaseAction({ shadow: "off" })).toEqual({ kind: "shadow", shadow: null });
    expect(releaseAction({ retire: "fp32" })).toEqual({ kind: "retire", version: "fp32" });
    expect(releaseAction({ show: true })).toEqual({ kind: "show" });
  });

  it("asks for exactly one action, listing them", () => {
    expect(usageMessage(() => releaseAction({}))).toMatch(
      /^say what to do: give exactly one of --set V1=90,V2=10, --promote V2, --shadow V2=0.1 \(or off\), --retire V1, --show$/,
    );
    expect(usageMessage(() => releaseAction({ promote: "a", show: true }))).toMatch(
      /^--promote and --show cannot be combined: give exactly one of/,
    );
  });

  it("refuses a version name that is empty or holds a weight", () => {
    expect(usageMessage(() => releaseAction({ promote: "fp16=100" }))).toBe(
      '--promote takes one version name, e.g. --promote 2.0.0, got "fp16=100"',
    );
    expect(usageMessage(() => releaseAction({ retire: " " }))).toContain("--retire takes one");
  });
});

describe("parseWeights", () => {
  it("keeps version names with dots and dashes, splitting at the last =", () => {
    expect(parseWeights("1.0.0=95,2.0.0-rc.1=5")).toEqual({ "1.0.0": 95, "2.0.0-rc.1": 5 });
    expect(parseWeights("a=0,b=1")).toEqual({ a: 0, b: 1 });
  });

  it("says what is wrong with each bad weight list", () => {
    expect(usageMessage(() => parseWeights("fp32"))).toBe('--set takes V1=90,V2=10, got "fp32"');
    expect(usageMessage(() => parseWeights("fp32=ninety"))).toBe(
      '--set weight of fp32 must be a number ≥ 0 (a relative share, e.g. 90), got "ninety"',
    );
    expect(usageMessage(() => parseWeights("fp32=-1"))).toContain("must be a number ≥ 0");
    expect(usageMessage(() => parseWeights("fp32=1,fp32=2"))).toBe(
      '--set names fp32 twice, in "fp32=1,fp32=2"',
    );
    expect(usageMessage(() => parseWeights("a=0,b=0"))).toMatch(
      /^--set must give at least one version a weight above 0/,
    );
  });
});

describe("parseShadow", () => {
  it("reads version=fraction and off", () => {
    expect(parseShadow("2.0=0.05")).toEqual({ version: "2.0", fraction: 0.05 });
    expect(parseShadow("v2=1")).toEqual({ version: "v2", fraction: 1 });
    expect(parseShadow("off")).toBeNull();
  });

  it("wants a fraction from 0 to 1", () => {
    expect(usageMessage(() => parseShadow("v2=10"))).toBe(
      '--shadow fraction must be from 0 to 1 (0.1 runs one request in ten on v2 too), got "10"',
    );
    expect(usageMessage(() => parseShadow("v2"))).toBe('--shadow takes V2=0.1 (or off), got "v2"');
  });
});

describe("trafficChangeFor", () => {
  it("sends --set and --shadow as they are", () => {
    expect(trafficChangeFor({ kind: "set", weights: { a: 1 } }, undefined)).toEqual({
      weights: { a: 1 },
    });
    expect(trafficChangeFor({ kind: "shadow", shadow: null }, undefined)).toEqual({
      shadow: null,
    });
  });

  it("promotes a version to 100 and every other version to 0, keeping another's shadow", () => {
    expect(trafficChangeFor({ kind: "promote", version: "fp16" }, twoVersions)).toEqual({
      weights: { fp32: 0, fp16: 100, int8: 0 },
    });
  });

  it("ends the shadow role of the version it promotes", () => {
    expect(trafficChangeFor({ kind: "promote", version: "int8" }, twoVersions)).toEqual({
      weights: { fp32: 0, fp16: 0, int8: 100 },
      shadow: null,
    });
  });
});

describe("policyTable", () => {
  it("shows each version's share in percent, readiness, requests in flight and the shadow", () => {
    expect(policyTable(twoVersions)).toBe(
      [
        "model yolov5 (default)",
        "VERSION  WEIGHT  READY          IN FLIGHT",
        "fp32        90%  yes                    3",
        "fp16        10%  yes                    0",
        "int8         0%  no (STARTING)          0  shadow of 25% of requests",
        "shadow: int8 on 25% of requests",
      ].join("\n"),
    );
  });

  it("turns relative weights into shares", () => {
    const policy: ModelPolicy = {
      name: "m",
      versions: [
        { version: "a", ready: true, inFlight: 0 },
        { version: "b", ready: true, inFlight: 0 },
      ],
      traffic: { weights: { a: 2, b: 1 }, shadow: null },
    };
    expect(policyTable(policy)).toMatch(/^a +66\.7% +yes/m);
    expect(policyTable(policy)).toMatch(/^b +33\.3% +yes/m);
    expect(policyTable(policy)).toMatch(/shadow: none$/);
  });
});
