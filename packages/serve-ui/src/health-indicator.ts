import type { ApiClient } from "./api-client.js";
import { h } from "./dom.js";

const STATES: Record<string, { tone: "ok" | "wait" | "bad"; text: string }> = {
  READY: { tone: "ok", text: "ready" },
  BUSY: { tone: "wait", text: "busy" },
  STARTING: { tone: "wait", text: "starting" },
  SETUP_FAILED: { tone: "bad", text: "setup failed" },
  DOWN: { tone: "bad", text: "server down" },
};

/** A live dot polling `/health`: green ready, amber busy/starting, red down or failed. */
export function healthIndicator(client: () => ApiClient, intervalMs = 2_000): HTMLElement {
  const dot = h("span", { class: "dot", "aria-hidden": "true" });
  const label = h("span", { class: "health-text" }, "checking…");
  const element = h(
    "span",
    { class: "health", role: "status", "aria-live": "polite", "data-status": "UNKNOWN" },
    dot,
    label,
  );
  const poll = async () => {
    const res = await client().get<{ status: string; setup?: { error?: string } }>(
      "/health",
      Math.min(intervalMs, 1_500),
    );
    const status = res.ok ? res.body.status : "DOWN";
    const state = STATES[status] ?? { tone: "wait", text: status.toLowerCase() };
    element.dataset.status = status;
    element.dataset.tone = state.tone;
    label.textContent =
      res.ok && res.body.setup?.error ? `${state.text}: ${res.body.setup.error}` : state.text;
  };
  void poll();
  setInterval(poll, intervalMs);
  return element;
}
