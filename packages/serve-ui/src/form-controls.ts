import { h } from "./dom.js";
import type { FieldKind, JsonSchema } from "./json-schema.js";

/** A value as a form control holds it: a File, a string, or a boolean. */
export type FieldValue = File | string | boolean;

/** One input control and how to read and set the value it holds. */
export interface Control {
  control: HTMLElement;
  read(): FieldValue | undefined;
  /** Sets the value when the control can hold it (a select ignores a value it does not list). */
  write(value: FieldValue): void;
}

/**
 * The control for a field of `kind`: a file picker, a slider with a number
 * box, a number or text box, a select, a checkbox, or a JSON text box.
 */
export function controlFor(kind: FieldKind, id: string, schema: JsonSchema): Control {
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
      return {
        control: h("div", { class: "slider" }, range, box),
        read: () => box.value,
        write: (value) => {
          if (typeof value !== "string") return;
          box.value = value;
          if (value !== "") range.value = value;
        },
      };
    }
    case "integer":
    case "number":
    case "text": {
      const box = h("input", {
        type: kind === "text" ? "text" : "number",
        id,
        step: kind === "integer" ? "1" : kind === "number" ? "any" : undefined,
        value: initial === undefined ? undefined : String(initial),
        "aria-describedby": describedBy,
      });
      return { control: box, read: () => box.value, write: writeText(box) };
    }
    case "enum": {
      const options = schema.enum as string[];
      const select = h(
        "select",
        { id, "aria-describedby": describedBy },
        ...options.map((v) => h("option", { value: v, selected: v === initial }, v)),
      );
      return {
        control: select,
        read: () => select.value,
        write: (value) => {
          if (typeof value === "string" && options.includes(value)) select.value = value;
        },
      };
    }
    case "boolean": {
      const box = h("input", {
        type: "checkbox",
        id,
        checked: initial === true,
        "aria-describedby": describedBy,
      });
      return {
        control: box,
        read: () => box.checked,
        write: (value) => {
          if (typeof value === "boolean") box.checked = value;
        },
      };
    }
    case "json": {
      const area = h(
        "textarea",
        { id, rows: 2, placeholder: placeholderFor(schema), "aria-describedby": describedBy },
        initial === undefined ? "" : JSON.stringify(initial),
      );
      return { control: area, read: () => area.value.trim(), write: writeText(area) };
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown field kind ${never}`);
    }
  }
}

function writeText(box: HTMLInputElement | HTMLTextAreaElement): Control["write"] {
  return (value) => {
    if (typeof value === "string") box.value = value;
  };
}

function fileControl(id: string, isImage: boolean, describedBy: string): Control {
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
  return {
    control: zone,
    read: () => chosen,
    write: (value) => {
      if (!(value instanceof File)) return;
      // Show the carried-over file in the picker itself too, not only in the hint.
      const transfer = new DataTransfer();
      transfer.items.add(value);
      input.files = transfer.files;
      choose(value);
    },
  };
}

function niceStep(min: number, max: number): number {
  const span = max - min;
  return span <= 1 ? 0.01 : span <= 10 ? 0.1 : 1;
}

function placeholderFor(schema: JsonSchema): string {
  return [schema.type].flat().includes("array") ? 'JSON list, e.g. ["person", 2]' : "JSON";
}
