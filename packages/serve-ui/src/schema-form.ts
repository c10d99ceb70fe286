import { h } from "./dom.js";
import { controlFor, type FieldValue } from "./form-controls.js";
import { type FieldKind, fieldKind, type JsonSchema, validateField } from "./json-schema.js";

interface Field {
  name: string;
  schema: JsonSchema;
  kind: FieldKind;
  required: boolean;
  /** The value as the form holds it: a File, a string, or a boolean. */
  read(): FieldValue | undefined;
  write(value: FieldValue): void;
  /** Whether the user changed the value from the one the form started with. */
  edited(): boolean;
  setError(message: string | undefined): void;
  element: HTMLElement;
}

/** Values the user entered, by field name, to carry over to another form. */
export type FormEdits = Map<string, { kind: FieldKind; value: FieldValue }>;

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
  /** What the user changed from the defaults (e.g. the chosen image), to carry over. */
  edits(): FormEdits;
  /** Puts carried-over values into the fields of the same name and kind that can hold them. */
  restore(edits: FormEdits): void;
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
    edits() {
      const edits: FormEdits = new Map();
      for (const f of fields) {
        const value = f.read();
        if (f.edited() && value !== undefined) edits.set(f.name, { kind: f.kind, value });
      }
      return edits;
    },
    restore(edits) {
      for (const f of fields) {
        const edit = edits.get(f.name);
        if (edit?.kind === f.kind) f.write(edit.value);
      }
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
  const { control, read, write } = controlFor(kind, id, schema);
  const initial = read();
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
    write,
    edited: () => read() !== initial,
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
