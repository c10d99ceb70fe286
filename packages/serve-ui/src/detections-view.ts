import { classColor } from "./class-colors.js";
import { h, svg } from "./dom.js";

/** What the detections renderer reads from an output. */
export interface DetectionsOutput {
  detections: {
    label: string;
    confidence: number;
    box: { x1: number; y1: number; x2: number; y2: number };
  }[];
  image?: { width: number; height: number };
}

/** Whether an output has the shape the detections renderer draws. */
export function isDetectionsOutput(value: unknown): value is DetectionsOutput {
  const detections = (value as DetectionsOutput | undefined)?.detections;
  return (
    Array.isArray(detections) &&
    detections.every((d) => typeof d?.label === "string" && typeof d?.box?.x1 === "number")
  );
}

/**
 * Boxes and labels drawn over the image (SVG in the image's own pixel
 * space), a colour per class, a confidence slider that filters boxes without
 * a new request, and a count per class.
 */
export function detectionsView(
  output: DetectionsOutput,
  image: File | undefined,
  minConfidence = 0,
): HTMLElement {
  const picture = h("img", { class: "stage-image", alt: "input image" });
  const overlay = svg("svg", {
    class: "stage-overlay",
    preserveAspectRatio: "none",
    role: "img",
    "aria-label": "detections",
  });
  const stage = h("div", { class: "stage" }, picture, overlay);
  const slider = h("input", {
    type: "range",
    id: "filter-confidence",
    min: 0,
    max: 1,
    step: 0.01,
    value: String(minConfidence),
  });
  const shown = h("output", { for: "filter-confidence" }, minConfidence.toFixed(2));
  const counts = h("tbody");
  const view = h(
    "section",
    { class: "detections", "data-testid": "detections" },
    stage,
    h("label", { class: "filter", for: "filter-confidence" }, "Minimum confidence ", slider, shown),
    h(
      "table",
      { class: "counts" },
      h("thead", {}, h("tr", {}, h("th", {}, "class"), h("th", {}, "count"))),
      counts,
    ),
  );

  const draw = (width: number, height: number) => {
    overlay.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const threshold = Number(slider.value);
    const kept = output.detections.filter((d) => d.confidence >= threshold);
    const font = Math.max(12, Math.round(Math.max(width, height) / 45));
    const stroke = Math.max(2, Math.round(Math.max(width, height) / 300));
    overlay.replaceChildren(
      ...kept.map((d) => {
        const color = classColor(d.label);
        const text = `${d.label} ${d.confidence.toFixed(2)}`;
        const labelWidth = text.length * font * 0.6 + font * 0.5;
        const labelY = d.box.y1 - font * 1.3 >= 0 ? d.box.y1 - font * 1.3 : d.box.y1;
        // Keep the label inside the image when the box touches the right edge.
        const labelX = Math.max(0, Math.min(d.box.x1, width - labelWidth));
        return svg(
          "g",
          { class: "box", "data-label": d.label, "data-confidence": d.confidence.toFixed(4) },
          svg("rect", {
            x: d.box.x1,
            y: d.box.y1,
            width: d.box.x2 - d.box.x1,
            height: d.box.y2 - d.box.y1,
            fill: "none",
            stroke: color,
            "stroke-width": stroke,
          }),
          svg("rect", { x: labelX, y: labelY, width: labelWidth, height: font * 1.3, fill: color }),
          svg(
            "text",
            { x: labelX + font * 0.25, y: labelY + font, "font-size": font, fill: "#fff" },
            text,
          ),
        );
      }),
    );
    const byClass = new Map<string, number>();
    for (const d of kept) byClass.set(d.label, (byClass.get(d.label) ?? 0) + 1);
    counts.replaceChildren(
      ...[...byClass]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([label, count]) =>
          h(
            "tr",
            { "data-class": label },
            h(
              "td",
              {},
              h("span", { class: "swatch", style: `background:${classColor(label)}` }),
              label,
            ),
            h("td", {}, String(count)),
          ),
        ),
    );
    view.dataset.boxCount = String(kept.length);
    shown.textContent = threshold.toFixed(2);
  };

  const size = () => output.image ?? { width: picture.naturalWidth, height: picture.naturalHeight };
  slider.addEventListener("input", () => draw(size().width, size().height));
  picture.addEventListener("load", () => draw(size().width, size().height));
  if (image) picture.src = URL.createObjectURL(image);
  if (output.image) draw(output.image.width, output.image.height);
  return view;
}
