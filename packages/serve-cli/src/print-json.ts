/** Writes JSON to stdout: indented on a terminal, one compact line when piped. */
export function printJson(value: unknown, stream: NodeJS.WriteStream = process.stdout): void {
  stream.write(`${stream.isTTY ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`);
}
