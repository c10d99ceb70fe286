/**
 * A URL fit for logs: no user name or password, and query values replaced,
 * since both often carry secrets (`https://hooks.example.com/x?token=…`).
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    for (const key of [...new Set(parsed.searchParams.keys())])
      parsed.searchParams.set(key, "REDACTED");
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
