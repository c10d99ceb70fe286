#!/usr/bin/env python3
"""Independent reference for the YOLOv5 example: what Ultralytics YOLOv5
`detect.py` reports at its defaults for an ONNX model, recomputed with
OpenCV + ONNX Runtime + NumPy only (no torch, no yolov5 checkout).

The TypeScript pipeline is tested against the JSON this script writes
(`examples/yolov5/test/fixtures/reference-detections.json`), so the numbers
there come from the Ultralytics recipe, never from our own TS output.

Regenerate (no network; wheels come from the local mirrors):

    python3 -m venv --system-site-packages /tmp/yoloref
    /tmp/yoloref/bin/pip install --no-index \
        --find-links /opt/pypi/files --find-links /opt/pypi-more/files \
        opencv-python-headless==4.14.0.94 onnxruntime==1.30.0
    /tmp/yoloref/bin/python examples/yolov5/reference/reference_detect.py

Options: --models DIR and --images DIR (default: $SERVEKIT_MODELS_DIR /
$SERVEKIT_IMAGES_DIR, else /work/shared/models and /work/shared/images),
--out FILE, --dump DIR (also write each letterboxed input tensor and raw
model output as little-endian binaries plus a manifest.json, so the TS
postprocessing can be checked on exactly the same tensors).

What the recipe is (YOLOv5 detect.py with `--weights yolov5n.onnx`):

* Loading (utils/dataloaders.py LoadImages): `cv2.imread` (BGR, EXIF
  orientation applied by OpenCV), then `letterbox(img, 640, stride=32,
  auto=pt)`. The ONNX backend is not `pt`, so auto=False: the image is
  padded to the full 640x640 square, not to a stride multiple.
* letterbox (utils/augmentations.py): gain r = min(640/h, 640/w);
  resized size = (round(w*r), round(h*r)) with Python's round-half-even;
  cv2.resize INTER_LINEAR only when the size changes; padding per side
  dw = (640 - new_w) / 2, left = round(dw - 0.1), right = round(dw + 0.1)
  (same for top/bottom); cv2.copyMakeBorder constant colour 114.
* HWC->CHW, BGR->RGB, float32, divided by 255. For the fp16 model the
  same values are cast to float16 (what `--half` feeds the network).
* non_max_suppression (utils/general.py) at detect.py defaults:
  conf_thres 0.25, iou_thres 0.45, classes None, agnostic False,
  multi_label False, max_det 1000; candidates need objectness > conf_thres;
  class scores are multiplied by objectness; best class by first maximum;
  keep conf > conf_thres; sort by confidence (descending) and keep
  max_nms = 30000; boxes are offset by class * 7680 and passed to
  torchvision.ops.nms, whose CPU kernel is re-implemented below in float32
  (greedy by score, suppress when IoU > iou_thres).
* scale_boxes (utils/general.py): gain = min(640/h, 640/w), pad =
  ((640 - w*gain)/2, (640 - h*gain)/2) -- *not* rounded in YOLOv5 (the
  rounded `round(... - 0.1)` form belongs to the later `ultralytics`
  package) -- subtract pad, divide by gain, clip to the image. detect.py
  then rounds boxes to whole pixels before printing/saving; we keep the
  float box and also record that rounded box.

Deviations, deliberately: the fp16 model's float16 output is widened to
float32 before NMS (detect.py would only run fp16 NMS on CUDA, torchvision's
CPU NMS has no half kernel); the NMS sort is stable (ties are reported).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

INPUT_SIZE = 640
STRIDE = 32
PAD_COLOR = (114, 114, 114)

CONF_THRES = 0.25
IOU_THRES = 0.45
MAX_DET = 1000
MAX_WH = 7680  # class offset, so boxes of different classes never overlap
MAX_NMS = 30000

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_OUT = REPO_ROOT / "examples/yolov5/test/fixtures/reference-detections.json"

# (image path relative to the images dir, model files to run on it)
FP32 = "yolov5n.onnx"
FP16 = "yolov5n-fp16.onnx"


# ---------------------------------------------------------------- preprocessing


def letterbox_geometry(width: int, height: int, size: int = INPUT_SIZE) -> dict:
    """Everything letterbox() decides for an image of this size (auto=False)."""
    gain = min(size / height, size / width)
    # Python's round() is round-half-to-even, exactly as in Ultralytics.
    new_w, new_h = round(width * gain), round(height * gain)
    half_dw, half_dh = (size - new_w) / 2, (size - new_h) / 2
    return {
        "gain": gain,
        "resized_width": new_w,
        "resized_height": new_h,
        "left": round(half_dw - 0.1),
        "right": round(half_dw + 0.1),
        "top": round(half_dh - 0.1),
        "bottom": round(half_dh + 0.1),
    }


def letterbox(image_bgr: np.ndarray, geo: dict) -> np.ndarray:
    """Resize keeping aspect ratio, then pad to INPUT_SIZE square with grey."""
    height, width = image_bgr.shape[:2]
    resized_size = (geo["resized_width"], geo["resized_height"])
    if (width, height) != resized_size:
        image_bgr = cv2.resize(image_bgr, resized_size, interpolation=cv2.INTER_LINEAR)
    padded = cv2.copyMakeBorder(
        image_bgr,
        geo["top"],
        geo["bottom"],
        geo["left"],
        geo["right"],
        cv2.BORDER_CONSTANT,
        value=PAD_COLOR,
    )
    assert padded.shape[:2] == (INPUT_SIZE, INPUT_SIZE), padded.shape
    return padded


def to_input_tensor(letterboxed_bgr: np.ndarray) -> np.ndarray:
    """HWC BGR uint8 -> 1x3xHxW RGB float32 in [0, 1]."""
    chw_rgb = np.ascontiguousarray(letterboxed_bgr.transpose(2, 0, 1)[::-1])
    return (chw_rgb.astype(np.float32) / np.float32(255))[None]


# ------------------------------------------------------------------------- NMS


def torchvision_nms(boxes: np.ndarray, scores: np.ndarray, iou_thres: float) -> list[int]:
    """Greedy NMS with the arithmetic of torchvision's CPU kernel.

    All box arithmetic stays in float32 (the tensors' dtype); the IoU is
    compared, as a float32 value, against the threshold as a double. A box
    is dropped only when its IoU with an already kept box is strictly
    greater than the threshold.
    """
    boxes = boxes.astype(np.float32, copy=False)
    x1, y1, x2, y2 = (boxes[:, k] for k in range(4))
    areas = (x2 - x1) * (y2 - y1)
    order = np.argsort(-scores, kind="stable")
    suppressed = np.zeros(len(boxes), dtype=bool)
    zero = np.float32(0)
    keep: list[int] = []
    for pos, i in enumerate(order):
        if suppressed[i]:
            continue
        keep.append(int(i))
        for j in order[pos + 1 :]:
            if suppressed[j]:
                continue
            w = max(zero, min(x2[i], x2[j]) - max(x1[i], x1[j]))
            h = max(zero, min(y2[i], y2[j]) - max(y1[i], y1[j]))
            inter = w * h
            iou = inter / (areas[i] + areas[j] - inter)
            if float(iou) > iou_thres:
                suppressed[j] = True
    return keep


def non_max_suppression(
    prediction: np.ndarray,
    conf_thres: float = CONF_THRES,
    iou_thres: float = IOU_THRES,
    classes: list[int] | None = None,
) -> dict:
    """YOLOv5's non_max_suppression for one image, returns rows and diagnostics.

    prediction: (25200, 85) float32 -- cx, cy, w, h, objectness, 80 scores.
    Returns {"det": (n, 6) float32 [x1, y1, x2, y2, conf, cls], ...}.
    """
    x = prediction[prediction[:, 4] > conf_thres]
    candidates = len(x)
    x = x.copy()
    x[:, 5:] *= x[:, 4:5]  # conf = obj_conf * cls_conf (float32)

    box = np.empty((len(x), 4), dtype=np.float32)
    half_w, half_h = x[:, 2] / 2, x[:, 3] / 2
    box[:, 0] = x[:, 0] - half_w
    box[:, 1] = x[:, 1] - half_h
    box[:, 2] = x[:, 0] + half_w
    box[:, 3] = x[:, 1] + half_h

    cls_scores = x[:, 5:]
    cls = np.argmax(cls_scores, axis=1)  # first maximum, like torch.max
    conf = cls_scores[np.arange(len(x)), cls]
    # Diagnostics: rows whose best-class conf lands near the threshold.
    near = [
        {"conf": float(c), "class_id": int(k), "kept_by_threshold": bool(c > conf_thres)}
        for c, k in zip(conf, cls)
        if abs(float(c) - conf_thres) <= 0.01
    ]
    ties_in_class = int(np.sum(np.sum(cls_scores == conf[:, None], axis=1) > 1))

    mask = conf > conf_thres
    det = np.concatenate([box, conf[:, None], cls[:, None].astype(np.float32)], axis=1)[mask]
    if classes is not None:
        det = det[np.isin(det[:, 5], classes)]
    order = np.argsort(-det[:, 4], kind="stable")[:MAX_NMS]
    det = det[order]
    score_ties = int(len(det) - len(np.unique(det[:, 4])))

    offset_boxes = det[:, :4] + det[:, 5:6] * np.float32(MAX_WH)
    keep = torchvision_nms(offset_boxes, det[:, 4], iou_thres)[:MAX_DET]

    # Diagnostics: IoU of each kept box with the boxes it is compared against.
    iou_near = []
    kept_set = set(keep)
    for rank, i in enumerate(keep):
        for j in range(len(det)):
            if j == i or det[j, 5] != det[i, 5] or det[j, 4] > det[i, 4]:
                continue
            iou = _iou(offset_boxes[i], offset_boxes[j])
            if abs(iou - iou_thres) <= 0.02:
                iou_near.append(
                    {
                        "kept_rank": rank,
                        "other_conf": float(det[j, 4]),
                        "other_kept": j in kept_set,
                        "iou": iou,
                    }
                )

    return {
        "det": det[keep],
        "candidates_obj": candidates,
        "candidates_conf": int(mask.sum()),
        "conf_near_threshold": near,
        "class_score_ties": ties_in_class,
        "equal_scores_before_nms": score_ties,
        "iou_near_threshold": iou_near,
    }


def threshold_sensitivity(prediction: np.ndarray, det: np.ndarray, labels: list[str]) -> dict:
    """Detections that appear or vanish when a threshold moves a little.

    A port that differs from this reference by a hair (another resize, fp16)
    can flip exactly these, so tests should know about them.
    """
    baseline = {(int(r[5]), float(r[4])) for r in det}
    changes = {}
    for name, conf_thres, iou_thres in (
        ("conf_0.24", CONF_THRES - 0.01, IOU_THRES),
        ("conf_0.26", CONF_THRES + 0.01, IOU_THRES),
        ("iou_0.43", CONF_THRES, IOU_THRES - 0.02),
        ("iou_0.47", CONF_THRES, IOU_THRES + 0.02),
    ):
        other = non_max_suppression(prediction, conf_thres, iou_thres)["det"]
        rows = {(int(r[5]), float(r[4])) for r in other}
        changes[name] = {
            "added": [{"label": labels[c], "confidence": v} for c, v in sorted(rows - baseline)],
            "removed": [{"label": labels[c], "confidence": v} for c, v in sorted(baseline - rows)],
        }
    return changes


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    w = max(np.float32(0), min(a[2], b[2]) - max(a[0], b[0]))
    h = max(np.float32(0), min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    area_a = (a[2] - a[0]) * (a[3] - a[1])
    area_b = (b[2] - b[0]) * (b[3] - b[1])
    return float(inter / (area_a + area_b - inter))


# ---------------------------------------------------------------- postprocess


def scale_geometry(width: int, height: int) -> dict:
    """Gain and (unrounded) padding that YOLOv5's scale_boxes derives from the shapes."""
    gain = min(INPUT_SIZE / height, INPUT_SIZE / width)
    return {
        "gain": gain,
        "pad_x": (INPUT_SIZE - width * gain) / 2,
        "pad_y": (INPUT_SIZE - height * gain) / 2,
    }


def scale_boxes(det: np.ndarray, width: int, height: int) -> np.ndarray:
    """Map xyxy boxes from the 640x640 input back onto the original image."""
    geo = scale_geometry(width, height)
    gain, pad_x, pad_y = geo["gain"], geo["pad_x"], geo["pad_y"]
    boxes = det[:, :4].copy()
    # torch does these in the tensor's float32 with the scalars cast to it.
    boxes[:, [0, 2]] -= np.float32(pad_x)
    boxes[:, [1, 3]] -= np.float32(pad_y)
    boxes /= np.float32(gain)
    boxes[:, [0, 2]] = boxes[:, [0, 2]].clip(0, width)
    boxes[:, [1, 3]] = boxes[:, [1, 3]].clip(0, height)
    return boxes


# ------------------------------------------------------------------------ main


def load_labels(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def run_model(session: ort.InferenceSession, tensor: np.ndarray) -> np.ndarray:
    input_meta = session.get_inputs()[0]
    if input_meta.type == "tensor(float16)":
        tensor = tensor.astype(np.float16)
    (output,) = session.run([session.get_outputs()[0].name], {input_meta.name: tensor})
    return output[0].astype(np.float32)  # (25200, 85); fp16 widened exactly


def detect(image_path: Path, session, labels, dump_dir: Path | None, key: str) -> dict:
    image = cv2.imread(str(image_path))  # BGR, EXIF orientation applied
    if image is None:
        raise SystemExit(f"cannot read image {image_path}")
    raw = cv2.imread(str(image_path), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    assert raw is not None
    height, width = image.shape[:2]
    geo = letterbox_geometry(width, height)
    tensor = to_input_tensor(letterbox(image, geo))
    prediction = run_model(session, tensor)
    nms = non_max_suppression(prediction)
    det = nms["det"]
    nms["threshold_sensitivity"] = threshold_sensitivity(prediction, det, labels)
    boxes = scale_boxes(det, width, height)
    rounded = np.round(boxes)  # detect.py: scale_boxes(...).round(), half-to-even

    if dump_dir is not None:
        dump_dir.mkdir(parents=True, exist_ok=True)
        session_dtype = session.get_inputs()[0].type
        in_arr = tensor.astype(np.float16) if session_dtype == "tensor(float16)" else tensor
        in_arr.astype(in_arr.dtype.newbyteorder("<")).tofile(dump_dir / f"{key}.input.bin")
        prediction.astype("<f4").tofile(dump_dir / f"{key}.output.bin")

    detections = []
    for row, box, rbox in zip(det, boxes, rounded):
        class_id = int(row[5])
        detections.append(
            {
                "class_id": class_id,
                "label": labels[class_id],
                "confidence": float(row[4]),
                "box": {k: float(v) for k, v in zip(("x1", "y1", "x2", "y2"), box)},
                "box_rounded": {k: int(v) for k, v in zip(("x1", "y1", "x2", "y2"), rbox)},
            }
        )
    return {
        "width": width,
        "height": height,
        # True when OpenCV turned the image by its EXIF orientation tag.
        "exif_rotated": raw.shape != image.shape or not np.array_equal(raw, image),
        "letterbox": geo,
        "scale_boxes": scale_geometry(width, height),
        "detections": detections,
        "diagnostics": {k: v for k, v in nms.items() if k != "det"},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--models", type=Path, default=Path(os.environ.get("SERVEKIT_MODELS_DIR", "/work/shared/models"))
    )
    parser.add_argument(
        "--images", type=Path, default=Path(os.environ.get("SERVEKIT_IMAGES_DIR", "/work/shared/images"))
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--dump", type=Path, default=None)
    args = parser.parse_args(argv)

    labels = load_labels(args.models / "coco.names")
    more = sorted(p.relative_to(args.images).as_posix() for p in (args.images / "more").glob("*.jpg"))
    plan = [("bus.jpg", [FP32, FP16]), ("zidane.jpg", [FP32, FP16])] + [(m, [FP32]) for m in more]

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # deterministic reductions across machines
    sessions = {
        name: ort.InferenceSession(str(args.models / name), options, providers=["CPUExecutionProvider"])
        for name in (FP32, FP16)
    }

    results = []
    manifest = []
    for image_name, models in plan:
        for model_name in models:
            key = f"{Path(image_name).stem}.{Path(model_name).stem}"
            entry = {"image": image_name, "model": model_name}
            entry.update(detect(args.images / image_name, sessions[model_name], labels, args.dump, key))
            results.append(entry)
            manifest.append(
                {
                    "key": key,
                    "image": image_name,
                    "model": model_name,
                    "input_dtype": "float16" if model_name == FP16 else "float32",
                    "width": entry["width"],
                    "height": entry["height"],
                }
            )

    document = {
        "generator": "examples/yolov5/reference/reference_detect.py",
        "recipe": "Ultralytics YOLOv5 detect.py defaults, ONNX backend (letterbox auto=False)",
        "notes": [
            "box: float box on the original image (scale_boxes + clip); box_rounded: what detect.py "
            "prints/saves after .round() (half to even)",
            "confidence = objectness * class score in float32; detections sorted by confidence, highest first",
            "fp16 model: input = float32 pixels/255 cast to float16; float16 output widened to float32 "
            "before NMS",
            "diagnostics.conf_near_threshold lists pre-NMS candidates within 0.01 of conf_thres; "
            "threshold_sensitivity lists final detections that change when a threshold moves",
        ],
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "opencv": cv2.__version__,
            "onnxruntime": ort.__version__,
        },
        "settings": {
            "input_size": INPUT_SIZE,
            "stride": STRIDE,
            "pad_color": PAD_COLOR[0],
            "conf_thres": CONF_THRES,
            "iou_thres": IOU_THRES,
            "max_det": MAX_DET,
            "max_wh": MAX_WH,
            "max_nms": MAX_NMS,
            "agnostic": False,
            "multi_label": False,
            "classes": None,
        },
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2) + "\n")
    if args.dump is not None:
        (args.dump / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for entry in results:
        summary = ", ".join(f"{d['label']} {d['confidence']:.3f}" for d in entry["detections"])
        print(f"{entry['image']:>18} {entry['model']:>18}: {summary}", file=sys.stderr)


if __name__ == "__main__":
    main()
