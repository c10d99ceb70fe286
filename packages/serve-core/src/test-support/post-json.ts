import type { ServekitApp } from "../http/app.js";

/** POSTs `body` as JSON to an app in-process (`app.request`), with any extra headers. */
export function postJson(
  app: Pick<ServekitApp, "request">,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}
