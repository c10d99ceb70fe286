import { h } from "./dom.js";

/** The output as indented JSON, with `timings_ms` (if any) summarised above it. */
export function jsonView(output: unknown, elapsedMs: number): HTMLElement {
  const timings = (output as { timings_ms?: Record<string, number> } | undefined)?.timings_ms;
  const summary = [
    `round trip ${elapsedMs.toFixed(0)} ms`,
    ...Object.entries(timings ?? {}).map(([k, v]) => `${k} ${v} ms`),
  ];
  return h(
    "details",
    { class: "json-output", open: true },
    h("summary", {}, "Output JSON ", h("span", { class: "timings" }, summary.join(" · "))),
    h("pre", {}, JSON.stringify(output, null, 2)),
  );
}

/** A readable error box for failed requests (4xx, 5xx, unreachable). */
export function errorView(title: string, message: string, extra: string[] = []): HTMLElement {
  return h(
    "div",
    { class: "error-box", role: "alert" },
    h("strong", {}, title),
    h("p", {}, message),
    ...extra.map((line) => h("p", {}, line)),
  );
}

/** Which model-version answered (the response's `X-Model-Version`), shown above the output. */
export function answeredByView(model: string, version: string): HTMLElement {
  return h(
    "p",
    { class: "answered-by", "data-testid": "answered-version", "data-version": version },
    "Answered by ",
    h("strong", {}, `${model} ${version}`),
  );
}
