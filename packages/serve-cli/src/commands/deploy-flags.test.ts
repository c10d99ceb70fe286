import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { addEnvFlag, addImageFlags, addRunFlags } from "./deploy-flags.js";

function parse(build: (command: Command) => void, args: string[]) {
  const command = new Command("target").exitOverride();
  build(command);
  return command.parse(args, { from: "user" }).opts();
}

describe("deploy flags", () => {
  it("parses the shared flags with their defaults, --env repeatable", () => {
    const all = (command: Command) => {
      addImageFlags(command, { registry: true });
      addEnvFlag(command);
      addRunFlags(command, "delete it instead");
    };
    expect(parse(all, [])).toEqual({ timeout: "300" });
    expect(
      parse(all, ["--image", "m:1", "--registry", "r", "-e", "A=1", "-e", "B=2", "--dry-run"]),
    ).toEqual({ image: "m:1", registry: "r", env: ["A=1", "B=2"], timeout: "300", dryRun: true });
  });

  it("leaves --registry out where the target has no registry, and says what --env and --delete do", () => {
    const command = new Command("heroku");
    addImageFlags(command, { registry: false });
    addEnvFlag(command, "config var of the app");
    addRunFlags(command, "destroy the app instead of deploying");
    const help = command.helpInformation();
    expect(help).not.toContain("--registry");
    expect(help).toContain("config var of the app; repeat for more");
    expect(help).toContain("destroy the app instead of deploying");
  });
});
