/**
 * The project's tsconfig.json: Node ESM resolution, strict, type-check only
 * (serve-cli runs the TypeScript directly).
 *
 * @example
 * writeFileSync("tsconfig.json", tsconfigJson());
 */
export function tsconfigJson(): string {
  const config = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ["node"],
    },
    include: ["*.ts"],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
