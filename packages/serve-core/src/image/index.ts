export { type DecodedImage, type DecodeImageOptions, decodeImage } from "./decode-image.js";
export { hwcToNchwFloat32 } from "./hwc-to-nchw.js";
export { type LetterboxOptions, type LetterboxResult, letterbox } from "./letterbox.js";
export {
  type LetterboxGeometry,
  type LetterboxGeometryOptions,
  type LetterboxSize,
  letterboxGeometry,
} from "./letterbox-geometry.js";
