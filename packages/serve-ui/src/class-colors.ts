/** A stable, distinct colour per class label (hue from a string hash). */
export function classColor(label: string): string {
  let hash = 0;
  for (let i = 0; i < label.length; i++) hash = (hash * 31 + label.charCodeAt(i)) >>> 0;
  // Golden-angle spacing keeps neighbouring hashes apart on the colour wheel.
  const hue = Math.round((hash * 137.508) % 360);
  return `hsl(${hue} 85% 45%)`;
}
