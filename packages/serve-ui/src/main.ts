import "./app.css";
import { ApiClient } from "./api-client.js";
import { detectionsView, isDetectionsOutput } from "./detections-view.js";
import { h } from "./dom.js";
import { healthIndicator } from "./health-indicator.js";
import { fieldKind, type OpenApiOperations, requestBodySchema, resolveRef } from "./json-schema.js";
import { hasChoices, loadCatalog, type PredictTarget, predictPath } from "./model-catalog.js";
import { type ModelPicker, modelPicker } from "./model-picker.js";
import { answeredByView, errorView, jsonView } from "./output-view.js";
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

/** The parts of `/openapi.json` the UI reads. */
interface OpenApiDocument extends OpenApiOperations {
  info: OpenApiInfo;
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
const formSlot = h("div", { class: "form-slot" });
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

/** What the page shows now: the API description, the picker (several model-versions only), the form. */
let doc: OpenApiDocument | undefined;
let defaultModel: string | undefined;
let picker: ModelPicker | undefined;
let currentForm: SchemaForm | undefined;

async function load(): Promise<void> {
  formPanel.replaceChildren(h("p", { class: "muted" }, "Loading the input schema…"));
  outputPanel.replaceChildren();
  currentForm = undefined;
  // A server from before several models has no /models: it gets the single-model page.
  const [res, catalog] = await Promise.all([
    client.get<OpenApiDocument>("/openapi.json"),
    loadCatalog(client),
  ]);
  if (!res.ok) {
    formPanel.replaceChildren(errorView("Cannot load the API description", res.error.message));
    return;
  }
  doc = res.body;
  title.textContent = doc.info.title;
  subtitle.textContent = [`v${doc.info.version}`, doc.info.description].filter(Boolean).join(" · ");
  document.title = `${doc.info.title} · servekit`;
  defaultModel = catalog?.default;
  picker = hasChoices(catalog) ? modelPicker(catalog, showForm) : undefined;
  formPanel.replaceChildren(...(picker ? [picker.element] : []), formSlot);
  showForm(picker?.target());
}

/**
 * Builds the form for a picked model-version from its own input schema (no
 * target: the single-model `/predict`), keeping what the user had entered.
 */
function showForm(target: PredictTarget | undefined): void {
  if (!doc) return;
  const path = target ? predictPath(target) : "/predict";
  const input = target
    ? requestBodySchema(doc, path)
    : resolveRef(doc.components?.schemas?.Input ?? {}, doc);
  if (!input) {
    currentForm = undefined;
    formSlot.replaceChildren(
      errorView(
        "No input schema",
        `/openapi.json documents no POST ${path} to build a form from; pick another version, or update the server.`,
      ),
    );
    return;
  }
  // The document's hints are the default model's; another model gets the automatic choices.
  const hints = !target || target.model === defaultModel ? (doc.info["x-servekit-ui"] ?? {}) : {};
  const imageField =
    hints.image ??
    Object.entries(input.properties ?? {}).find(([, schema]) => fieldKind(schema) === "image")?.[0];
  const next = schemaForm(input, () => void run(next, { hints, imageField, target }));
  if (currentForm) next.restore(currentForm.edits());
  currentForm = next;
  formSlot.replaceChildren(next.element);
}

async function run(
  form: SchemaForm,
  how: { hints: UiHints; imageField: string | undefined; target: PredictTarget | undefined },
): Promise<void> {
  if (!form.validate()) return;
  const { hints, imageField, target } = how;
  const button = form.element.querySelector("button[type=submit]") as HTMLButtonElement;
  button.disabled = true;
  outputPanel.replaceChildren(h("p", { class: "muted" }, "Running…"));
  const started = performance.now();
  const url = target ? predictPath(target, encodeURIComponent) : "/predict";
  const res = await client.post<unknown>(url, form.toFormData());
  const elapsed = performance.now() - started;
  button.disabled = false;
  const answeredVersion = res.headers.get("X-Model-Version");
  const answered =
    target && answeredVersion
      ? answeredByView(res.headers.get("X-Model-Name") ?? target.model, answeredVersion)
      : undefined;
  if (picker) void refreshPicker(picker);
  if (!res.ok) {
    const unplaced = res.error.details ? form.showServerErrors(res.error.details) : [];
    const title =
      res.status === 0
        ? "Server unreachable"
        : res.status < 500
          ? `Rejected (${res.status})`
          : `Server error (${res.status})`;
    const error = errorView(title, res.error.message, unplaced);
    outputPanel.replaceChildren(...(answered ? [answered] : []), error);
    return;
  }
  form.showServerErrors([]);
  const useDetections =
    hints.renderer === "detections" || (hints.renderer !== "json" && isDetectionsOutput(res.body));
  const views: HTMLElement[] = answered ? [answered] : [];
  if (useDetections && isDetectionsOutput(res.body)) {
    // Start the viewer's filter where the request's own threshold was, if it had one.
    const minimum = Number(form.toFormData().get("confidence") ?? 0) || 0;
    views.push(detectionsView(res.body, imageField ? form.file(imageField) : undefined, minimum));
  }
  views.push(jsonView(res.body, elapsed));
  outputPanel.replaceChildren(...views);
}

/** Statuses and shares change as versions start and traffic moves: show the current ones. */
async function refreshPicker(shown: ModelPicker): Promise<void> {
  const catalog = await loadCatalog(client);
  if (catalog && shown === picker) shown.update(catalog);
}

void load();
