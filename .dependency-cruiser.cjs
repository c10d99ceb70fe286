// Import rules of the repository, checked by `pnpm lint` (docs/architecture.md explains the layers).
const core = "^packages/serve-core/src/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "Import cycles make load order matter and layers blur; move the shared piece into its own file.",
      from: {},
      to: { circular: true },
    },
    {
      name: "runtime-not-http",
      severity: "error",
      comment:
        "The runtime serves every face (HTTP, batch, stream): it must not know HTTP. Pass what it needs in.",
      from: { path: `${core}runtime/` },
      to: { path: `${core}http/` },
    },
    {
      name: "input-not-http",
      severity: "error",
      comment:
        "Turning a request into a validated input works on bytes and values, for every face: no HTTP here.",
      from: { path: `${core}input/` },
      to: { path: `${core}http/` },
    },
    {
      name: "input-not-runtime",
      severity: "error",
      comment:
        "Input handling sits below the runtime: the runtime may use it, not the other way round.",
      from: { path: `${core}input/` },
      to: { path: `${core}runtime/` },
    },
    {
      name: "faces-apart",
      severity: "error",
      comment:
        "The three faces (http/, batch/, stream/) each sit on the runtime; none builds on another.",
      from: { path: `${core}(http|batch|stream)/` },
      to: { path: `${core}(http|batch|stream)/`, pathNot: `${core}$1/` },
    },
    {
      name: "runtime-not-faces",
      severity: "error",
      comment: "The runtime knows none of its faces.",
      from: { path: `${core}(runtime|input)/` },
      to: { path: `${core}(batch|stream)/` },
    },
    {
      name: "core-not-cli",
      severity: "error",
      comment: "@servekit/core is the library; the CLI builds on it, never the reverse.",
      from: { path: "^packages/serve-core/" },
      to: { path: "^packages/serve-cli/" },
    },
    {
      name: "client-without-server-code",
      severity: "error",
      comment:
        "@servekit/client runs in browsers: its code takes types from the caller's predictor and imports no servekit package.",
      from: { path: "^packages/serve-client/src/", pathNot: "(\\.test\\.ts$|/test-support/)" },
      to: { path: "^(packages/(?!serve-client/)|examples/)" },
    },
    {
      name: "test-kit-stands-alone",
      severity: "error",
      comment: "The private test kit is used by every package's tests, so it imports none of them.",
      from: { path: "^packages/test-kit/" },
      to: { path: "^(packages|examples|bench|e2e)/(?!test-kit/)" },
    },
  ],
  options: {
    // Built output is not crawled, but imports of it stay visible (a package importing another's dist).
    doNotFollow: { path: "(^|/)(node_modules|dist)/" },
    exclude: { path: "(^|/)node_modules/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
