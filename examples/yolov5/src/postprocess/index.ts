export { type Candidates, type SelectCandidatesOptions, selectCandidates } from "./candidates.js";
export { COCO_LABELS } from "./coco-labels.js";
export {
  type DecodeDetectionsOptions,
  type Detection,
  decodeDetections,
} from "./decode-detections.js";
export { loadLabels, parseLabels } from "./labels.js";
export { CLASS_OFFSET, type NmsOptions, nonMaxSuppression } from "./nms.js";
export {
  type Box,
  type ImageSize,
  type LetterboxTransform,
  type LetterboxTransformOptions,
  letterboxTransformFor,
  scaleBox,
} from "./scale-boxes.js";
