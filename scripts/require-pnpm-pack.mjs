#!/usr/bin/env node
// prepack of the public packages: only pnpm turns their `workspace:*` ranges
// into versions when it packs or publishes them. npm would write the ranges
// as they are, and installing the tarball would then fail with no clear message.
const agent = process.env.npm_config_user_agent ?? "";
if (!agent.startsWith("pnpm/")) {
  process.stderr.write(
    "Pack and publish servekit's packages with pnpm, not npm: npm keeps their workspace:* ranges, which no registry resolves.\n" +
      "  one tarball:  npx -y pnpm@10 pack      (in the package's folder)\n" +
      "  a release:    npx -y pnpm@10 release   (see docs/releasing.md)\n",
  );
  process.exit(1);
}
