import { h } from "./dom.js";
import { type FieldKind, fieldKind, type JsonSchema, validateField } from "./json-schema.js";

interface Field {
  name: string;
  schema: JsonSchema;
  kind: FieldKind;
  required: boolean;
  /** The value as the form holds it: a File, a string, or a boolean. */
  read(): File | string | boolean | undefined;
  setError(message: string | undefined): void;
  element: HTMLElement;
}

/** A form generated from an object schema: one control per property. */
export interface SchemaForm {
  element: HTMLFormElement;
  /** Checks every field as the server would; shows and returns whether all are valid. */
  validate(): boolean;
  /** Multipart body for `POST /predict`. */
  toFormData(): FormData;
  /** Shows the server's 422 details next to the fields they name; returns those it could not place. */
  showServerErrors(details: { path: (string | number)[]; message: string }[]): string[];
  /** The file chosen for a file field, e.g. to draw results over it. */
  file(name: string): File | undefined;
}

/**
 * Renders a form for `schema`: image/file pickers with drag and drop and a
 * preview, sliders with a number box for bounded numbers, selects for enums,
 * checkboxes for booleans, text boxes for strings, JSON for the rest.
 */
export function schemaForm(schema: JsonSchema, onSubmit: () => void): SchemaForm {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([name, property]) =>
    field(name, property, required.has(name)),
  );
  const submit = h("button", { type: "submit", class: "primary" }, "Run prediction");
  const element = h(
    "form",
    { class: "schema-form", novalidate: true },
    ...fields.map((f) => f.element),
    submit,
  );
  element.addEventListener("submit", (event) => {
    event.preventDefault();
    onSubmit();
  });
  return {
    element,
    validate() {
      let valid = true;
      for (const f of fields) {
        const value = f.read();
        const message =
          f.kind === "file" || f.kind === "image"
            ? value === undefined && f.required
              ? "choose a file"
              : undefined
            : validateField(
                f.schema,
                typeof value === "boolean" ? String(value) : value,
                f.required,
              );
        f.setError(message);
        if (message) valid = false;
      }
      return valid;
    },
    toFormData() {
      const data = new FormData();
      for (const f of fields) {
        const value = f.read();
        if (value === undefined || value === "") continue;
        data.set(f.name, typeof value === "boolean" ? String(value) : value);
      }
      return data;
    },
    showServerErrors(details) {
      const unplaced: string[] = [];
      for (const f of fields) f.setError(undefined);
      for (const detail of details) {
        const target = fields.find((f) => f.name === detail.path[0]);
        if (target) target.setError(detail.message);
        else
          unplaced.push(
            detail.path.length > 0 ? `${detail.path.join(".")}: ${detail.message}` : detail.message,
          );
      }
      return unplaced;
    },
    file(name) {
      const value = fields.find((f) => f.name === name)?.read();
      return value instanceof File ? value : undefined;
    },
  };
}

function field(name: string, schema: JsonSchema, required: boolean): Field {
  const kind = fieldKind(schema);
  const id = `field-${name}`;
  const error = h("p", { class: "field-error", id: `${id}-error`, "aria-live": "polite" });
  const description = schema.description
    ? h("p", { class: "field-help" }, schema.description)
    : undefined;
  const title = h(
    "label",
    { for: id, class: "field-label" },
    name,
    required ? h("span", { class: "req", title: "required" }, " *") : undefined,
  );
  const { control, read } = controlFor(kind, id, schema);
  const element = h(
    "div",
    { class: `field field-${kind}`, "data-field": name },
    title,
    control,
    description,
    error,
  );
  return {
    name,
    schema,
    kind,
    required,
    read,
    element,
    setError(message) {
      error.textContent = message ?? "";
      element.classList.toggle("has-error", Boolean(message));
      element
        .querySelector("input, select, textarea")
        ?.setAttribute("aria-invalid", String(Boolean(message)));
    },
  };
}

function controlFor(
  kind: FieldKind,
  id: string,
  schema: JsonSchema,
): { control: HTMLElement; read: Field["read"] } {
  const initial = schema.default;
  const describedBy = `${id}-error`;
  switch (kind) {
    case "image":
    case "file":
      return fileControl(id, kind === "image", describedBy);
    case "slider": {
      const step = [schema.type].flat().includes("integer")
        ? "1"
        : String(niceStep(schema.minimum!, schema.maximum!));
      const range = h("input", {
        type: "range",
        min: schema.minimum,
        max: schema.maximum,
        step,
        value: String(initial ?? schema.minimum),
        "aria-label": `${id} slider`,
        tabindex: -1,
      });
      const box = h("input", {
        type: "number",
        id,
        min: schema.minimum,
        max: schema.maximum,
        step,
        value: String(initial ?? ""),
        "aria-describedby": describedBy,
      });
      range.addEventListener("input", () => {
        box.value = range.value;
      });
      box.addEventListener("input", () => {
        if (box.value !== "") range.value = box.value;
      });
      return { control: h("div", { class: "slider" }, range, box), read: () => box.value };
    }
    case "integer":
    case "number": {
      const box = h("input", {
        type: "number",
        id,
        step: kind === "integer" ? "1" : "any",
        value: initial === undefined ? undefined : String(initial),
        "aria-describedby": describedBy,
      });
      return { control: box, read: () => box.value };
    }
    case "enum": {
      const select = h(
        "select",
        { id, "aria-describedby": describedBy },
        ...(schema.enum as string[]).map((v) =>
          h("option", { value: v, selected: v === initial }, v),
        ),
      );
      return { control: select, read: () => select.value };
    }
    case "boolean": {
      const box = h("input", {
        type: "checkbox",
        id,
        checked: initial === true,
        "aria-describedby": describedBy,
      });
      return { control: box, read: () => box.checked };
    }
    case "text": {
      const box = h("input", {
        type: "text",
        id,
        value: initial === undefined ? undefined : String(initial),
        "aria-describedby": describedBy,
      });
      return { control: box, read: () => box.value };
    }
    case "json": {
      const area = h(
        "textarea",
        { id, rows: 2, placeholder: placeholderFor(schema), "aria-describedby": describedBy },
        initial === undefined ? "" : JSON.stringify(initial),
      );
      return { control: area, read: () => area.value.trim() };
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown field kind ${never}`);
    }
  }
}

function fileControl(
  id: string,
  isImage: boolean,
  describedBy: string,
): { control: HTMLElement; read: Field["read"] } {
  let chosen: File | undefined;
  const input = h("input", {
    type: "file",
    id,
    accept: isImage ? "image/*" : undefined,
    "aria-describedby": describedBy,
  });
  const preview = h("img", { class: "preview", alt: "", hidden: true });
  const hint = h(
    "span",
    { class: "drop-hint" },
    isImage ? "Drop an image here, or choose one" : "Drop a file here, or choose one",
  );
  const zone = h("div", { class: "drop-zone" }, hint, input, preview);
  const choose = (file: File | undefined) => {
    chosen = file;
    hint.textContent = file
      ? `${file.name} (${Math.round(file.size / 1024)} KB)`
      : hint.textContent;
    if (file && isImage) {
      preview.src = URL.createObjectURL(file);
      preview.hidden = false;
    }
  };
  input.addEventListener("change", () => choose(input.files?.[0]));
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    choose(event.dataTransfer?.files[0]);
  });
  return { control: zone, read: () => chosen };
}

function niceStep(min: number, max: number): number {
  const span = max - min;
  return span <= 1 ? 0.01 : span <= 10 ? 0.1 : 1;
}

function placeholderFor(schema: JsonSchema): string {
  return [schema.type].flat().includes("array") ? 'JSON list, e.g. ["person", 2]' : "JSON";
}
