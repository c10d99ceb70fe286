import "./model-picker.css";
import { h } from "./dom.js";
import {
  type ModelCatalog,
  type ModelInfo,
  type PredictTarget,
  versionLabel,
} from "./model-catalog.js";

/** The model and version selects shown when a server hosts more than one model-version. */
export interface ModelPicker {
  element: HTMLElement;
  /** What is picked now; no version means "auto (traffic policy)". */
  target(): PredictTarget;
  /** Shows fresh statuses and shares, keeping the choice when it still exists. */
  update(catalog: ModelCatalog): void;
}

const AUTO = "";

/**
 * A model select and a version select ("auto (traffic policy)" first, then
 * each version with its status and share); calls `onChange` with the new target.
 *
 * @example
 * const picker = modelPicker(catalog, (target) => showForm(target));
 * panel.append(picker.element);
 */
export function modelPicker(
  catalog: ModelCatalog,
  onChange: (target: PredictTarget) => void,
): ModelPicker {
  let models = catalog.models;
  const modelSelect = h("select", { id: "pick-model" });
  const versionSelect = h("select", { id: "pick-version" });
  const description = h("p", { class: "field-help model-description" });
  const element = h(
    "div",
    { class: "model-picker", role: "group", "aria-label": "model and version" },
    h(
      "div",
      { class: "field" },
      h("label", { for: "pick-model", class: "field-label" }, "Model"),
      modelSelect,
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "pick-version", class: "field-label" }, "Version"),
      versionSelect,
    ),
    description,
  );

  const chosenModel = (): ModelInfo =>
    models.find((m) => m.name === modelSelect.value) ?? models[0]!;
  const fillModels = (keep: string) => {
    modelSelect.replaceChildren(
      ...models.map((m) =>
        h(
          "option",
          { value: m.name },
          m.default && models.length > 1 ? `${m.name} (default)` : m.name,
        ),
      ),
    );
    modelSelect.value = models.some((m) => m.name === keep) ? keep : catalog.default;
    if (modelSelect.selectedIndex < 0) modelSelect.selectedIndex = 0;
  };
  const fillVersions = (keep: string) => {
    const model = chosenModel();
    versionSelect.replaceChildren(
      h("option", { value: AUTO }, "auto (traffic policy)"),
      ...model.versions.map((v) => h("option", { value: v.version }, versionLabel(v))),
    );
    versionSelect.value = model.versions.some((v) => v.version === keep) ? keep : AUTO;
    // With one model the header already shows its description.
    description.textContent = models.length > 1 ? (model.description ?? "") : "";
  };
  const target = (): PredictTarget => ({
    model: chosenModel().name,
    version: versionSelect.value === AUTO ? undefined : versionSelect.value,
  });

  fillModels(catalog.default);
  fillVersions(AUTO);
  modelSelect.addEventListener("change", () => {
    fillVersions(AUTO);
    onChange(target());
  });
  versionSelect.addEventListener("change", () => onChange(target()));

  return {
    element,
    target,
    update(next) {
      const before = target();
      catalog = next;
      models = next.models;
      fillModels(before.model);
      fillVersions(before.version ?? AUTO);
      const after = target();
      // The picked model or version is gone (retired): the form must follow.
      if (after.model !== before.model || after.version !== before.version) onChange(after);
    },
  };
}
