/** The YOLOv5 variants this example can serve. */
export const MODEL_NAMES = ["yolov5n", "yolov5n-fp16"] as const;

/** A YOLOv5 variant: `yolov5n` (float32 input/output) or `yolov5n-fp16` (float16 input/output). */
export type ModelName = (typeof MODEL_NAMES)[number];

/** The file holding COCO's 80 class names, one per line. */
export const LABELS_FILE = "coco.names";

/** Every file the example resolves: the two model files and the class names. */
export type WeightsFileName = `${ModelName}.onnx` | typeof LABELS_FILE;

/** What a downloaded file must match, and where it comes from when no base URL is configured. */
export interface KnownWeightsFile {
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
  /** Size in bytes. */
  bytes: number;
  /** Where the file is fetched from when neither `baseUrl` nor `YOLOV5_WEIGHTS_URL` is set. */
  defaultUrl: string;
}

/** Release assets of Ultralytics YOLOv5 v7.0; `YOLOV5_WEIGHTS_URL` replaces it with a mirror. */
export const DEFAULT_WEIGHTS_BASE_URL =
  "https://github.com/ultralytics/yolov5/releases/download/v7.0/";

/**
 * Digests of the files the example was built and tested against (the team's
 * copies in `../shared/models`). A download must match them byte for byte;
 * a different export of the same network needs its digest passed as `sha256`.
 *
 * @example
 * KNOWN_WEIGHTS["yolov5n.onnx"].sha256; // "01203d42…"
 */
export const KNOWN_WEIGHTS: Readonly<Record<WeightsFileName, KnownWeightsFile>> = {
  "yolov5n.onnx": {
    sha256: "01203d4258fb2dcf7d7cc138d5a9271bcff65a5304644543c7ec829050736300",
    bytes: 3_963_249,
    defaultUrl: `${DEFAULT_WEIGHTS_BASE_URL}yolov5n.onnx`,
  },
  "yolov5n-fp16.onnx": {
    sha256: "04f0e55c26f58d17145b36045780fe1250d5bd2187543e11568e5141d05b3262",
    bytes: 3_981_910,
    defaultUrl: `${DEFAULT_WEIGHTS_BASE_URL}yolov5n-fp16.onnx`,
  },
  // Darknet's COCO names (with "motorbike", "aeroplane", …); the YOLOv5 release has no names file.
  "coco.names": {
    sha256: "634a1132eb33f8091d60f2c346ababe8b905ae08387037aed883953b7329af84",
    bytes: 625,
    defaultUrl: "https://raw.githubusercontent.com/pjreddie/darknet/master/data/coco.names",
  },
};

/**
 * The file name of a model variant.
 *
 * @example
 * modelFileName("yolov5n-fp16"); // "yolov5n-fp16.onnx"
 */
export function modelFileName(name: ModelName): `${ModelName}.onnx` {
  return `${name}.onnx`;
}
