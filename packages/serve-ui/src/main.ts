import "./app.css";
import { ApiClient } from "./api-client.js";
import { detectionsView, isDetectionsOutput } from "./detections-view.js";
import { h } from "./dom.js";
import { healthIndicator } from "./health-indicator.js";
import { fieldKind, type JsonSchema, resolveRef } from "./json-schema.js";
import { errorView, jsonView } from "./output-view.js";
import { type SchemaForm, schemaForm } from "./schema-form.js";

/** Set by the page that serves the app: where the backend is. */
interface UiConfig {
  apiUrl?: string;
}

/** What a predictor may declare about its UI (`info["x-servekit-ui"]` in the OpenAPI document). */
interface UiHints {
  renderer?: "json" | "detections";
  /** Input field holding the image the detections refer to. */
  image?: string;
}

interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  "x-servekit-ui"?: UiHints;
}

const config: UiConfig = (window as { __SERVEKIT_UI__?: UiConfig }).__SERVEKIT_UI__ ?? {};
let client = new ApiClient(new URLSearchParams(location.search).get("api") ?? config.apiUrl ?? "");

const title = h("h1", {}, "servekit");
const subtitle = h("p", { class: "subtitle" });
const backendInput = h("input", {
  type: "url",
  id: "backend-url",
  placeholder: "same origin",
  value: client.base,
  "aria-label": "backend URL",
});
const backendForm = h(
  "form",
  { class: "backend" },
  h("label", { for: "backend-url" }, "Server"),
  backendInput,
  h("button", { type: "submit" }, "Connect"),
  healthIndicator(() => client),
);
const formPanel = h("section", { class: "panel input-panel", "aria-label": "input" });
const outputPanel = h("section", {
  class: "panel output-panel",
  "aria-label": "output",
  "aria-live": "polite",
});
document.body.append(
  h("header", {}, h("div", {}, title, subtitle), backendForm),
  h("main", {}, formPanel, outputPanel),
);

backendForm.addEventListener("submit", (event) => {
  event.preventDefault();
  client = new ApiClient(backendInput.value.trim().replace(/\/+$/, ""));
  void load();
});

async function load(): Promise<void> {
  formPanel.replaceChildren(h("p", { class: "muted" }, "Loading the input schema…"));
  outputPanel.replaceChildren();
  const res = await client.get<{
    info: OpenApiInfo;
    components?: { schemas?: Record<string, JsonSchema> };
  }>("/openapi.json");
  if (!res.ok) {
    formPanel.replaceChildren(errorView("Cannot load the API description", res.error.message));
    return;
  }
  const doc = res.body;
  const input = resolveRef(doc.components?.schemas?.Input ?? {}, doc);
  title.textContent = doc.info.title;
  subtitle.textContent = [`v${doc.info.version}`, doc.info.description].filter(Boolean).join(" · ");
  document.title = `${doc.info.title} · servekit`;
  const hints = doc.info["x-servekit-ui"] ?? {};
  const imageField =
    hints.image ??
    Object.entries(input.properties ?? {}).find(([, schema]) => fieldKind(schema) === "image")?.[0];
  const form = schemaForm(input, () => void run(form, hints, imageField));
  formPanel.replaceChildren(form.element);
}

async function run(
  form: SchemaForm,
  hints: UiHints,
  imageField: string | undefined,
): Promise<void> {
  if (!form.validate()) return;
  const button = form.element.querySelector("button[type=submit]") as HTMLButtonElement;
  button.disabled = true;
  outputPanel.replaceChildren(h("p", { class: "muted" }, "Running…"));
  const started = performance.now();
  const res = await client.post<unknown>("/predict", form.toFormData());
  const elapsed = performance.now() - started;
  button.disabled = false;
  if (!res.ok) {
    const unplaced = res.error.details ? form.showServerErrors(res.error.details) : [];
    const title =
      res.status === 0
        ? "Server unreachable"
        : res.status < 500
          ? `Rejected (${res.status})`
          : `Server error (${res.status})`;
    outputPanel.replaceChildren(errorView(title, res.error.message, unplaced));
    return;
  }
  form.showServerErrors([]);
  const useDetections =
    hints.renderer === "detections" || (hints.renderer !== "json" && isDetectionsOutput(res.body));
  const views: HTMLElement[] = [];
  if (useDetections && isDetectionsOutput(res.body)) {
    // Start the viewer's filter where the request's own threshold was, if it had one.
    const minimum = Number(form.toFormData().get("confidence") ?? 0) || 0;
    views.push(detectionsView(res.body, imageField ? form.file(imageField) : undefined, minimum));
  }
  views.push(jsonView(res.body, elapsed));
  outputPanel.replaceChildren(...views);
}

void load();
