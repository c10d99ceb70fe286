#!/usr/bin/env python3
"""Writes the OpenCV reference fixtures that letterbox.test.ts checks against.

For each shared test image it runs what Ultralytics YOLOv5 detect.py does before
inference -- cv2.imread, then letterbox(new_shape=640, auto=False, scaleup=True)
with cv2.resize INTER_LINEAR and a grey-114 border -- and records, in
../fixtures/<image>.letterbox.json:

- the geometry (ratio, new_unpad, top/left padding),
- sha256 of the full decoded image and of the full 640x640x3 letterbox, both as
  RGB HWC uint8 (so the test can claim bit-exactness in a few bytes),
- 2048 sampled pixels [y, x, r, g, b] of the letterbox at fixed pseudo-random
  positions (so a mismatch can be located and sized).

It also writes ../fixtures/resize-cases.json: sha256 of cv2.resize(INTER_LINEAR)
on a hashed-noise image (see noise_image; resize-linear.test.ts regenerates it)
for sizes that exercise every path: up/down scaling, exact 2x (INTER_AREA),
1-pixel sources, odd row lengths.

Needs opencv-python(-headless) and numpy, no network:

    python3 -m venv --system-site-packages /tmp/refenv
    /tmp/refenv/bin/pip install --no-index /path/to/opencv_python_headless-*.whl
    /tmp/refenv/bin/python packages/serve-core/src/image/reference/make-letterbox-fixture.py

Images are read from $SERVEKIT_SHARED_DIR/images (default: <repo root>/../shared).
"""

import hashlib
import json
import os
import sys

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", ".."))
SHARED = os.environ.get("SERVEKIT_SHARED_DIR", os.path.join(REPO_ROOT, "..", "shared"))
OUT_DIR = os.path.join(HERE, "..", "fixtures")
IMAGES = ["bus.jpg", "zidane.jpg"]
SIZE = 640
PAD = 114
SAMPLES = 2048
SEED = 20240611


def letterbox(im, size=SIZE, pad=PAD):
    """YOLOv5 utils/augmentations.py letterbox with auto=False, scaleup=True."""
    h, w = im.shape[:2]
    r = min(size / h, size / w)
    new_unpad = (int(round(w * r)), int(round(h * r)))  # Python round: ties to even
    dw, dh = (size - new_unpad[0]) / 2, (size - new_unpad[1]) / 2
    if (w, h) != new_unpad:
        im = cv2.resize(im, new_unpad, interpolation=cv2.INTER_LINEAR)
    top, bottom = int(round(dh - 0.1)), int(round(dh + 0.1))
    left, right = int(round(dw - 0.1)), int(round(dw + 0.1))
    im = cv2.copyMakeBorder(im, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(pad, pad, pad))
    return im, r, new_unpad, (dw, dh), top, left


RESIZE_CASES = [
    # (src width, src height, dst width, dst height)
    (37, 23, 64, 40),
    (101, 67, 64, 42),
    (64, 48, 32, 24),
    (32, 24, 64, 48),
    (50, 50, 7, 7),
    (7, 5, 64, 46),
    (1, 1, 8, 8),
    (97, 3, 64, 2),
    (3, 97, 2, 64),
    (333, 777, 274, 640),
    (641, 640, 640, 639),
]


def noise_image(width, height):
    """Deterministic noise, uint32 hash of (x, y, channel); resize-linear.test.ts has the twin."""
    y, x, c = np.meshgrid(
        np.arange(height, dtype=np.uint32),
        np.arange(width, dtype=np.uint32),
        np.arange(3, dtype=np.uint32),
        indexing="ij",
    )
    v = (x * np.uint32(0x9E3779B1)) ^ (y * np.uint32(0x85EBCA77)) ^ (c * np.uint32(0xC2B2AE3D))
    v ^= v >> np.uint32(15)
    v *= np.uint32(0x2C1B3C6D)
    v ^= v >> np.uint32(12)
    return (v >> np.uint32(24)).astype(np.uint8)


def to_json(value, indent=0, prefix=0, tail=0):
    """JSON laid out the way the repo's formatter (biome, width 100) lays it out:
    a value stays on one line when it fits, else one member per line."""
    inline = json.dumps(value, separators=(", ", ": "))
    if isinstance(value, dict) and value:
        inline = "{ " + ", ".join(f"{json.dumps(k)}: {to_json(v)}" for k, v in value.items()) + " }"
    if not isinstance(value, (dict, list)) or not value or indent + prefix + len(inline) + tail <= 100:
        return inline
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = list(value.items())
        lines = [
            pad + f"{json.dumps(k)}: " + to_json(v, indent + 2, len(json.dumps(k)) + 2, i < len(items) - 1)
            for i, (k, v) in enumerate(items)
        ]
        return "{\n" + ",\n".join(lines) + "\n" + " " * indent + "}"
    lines = [pad + to_json(v, indent + 2, 0, i < len(value) - 1) for i, v in enumerate(value)]
    return "[\n" + ",\n".join(lines) + "\n" + " " * indent + "]"


def sha256(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    rng = np.random.default_rng(SEED)
    positions = np.sort(rng.choice(SIZE * SIZE, SAMPLES, replace=False))
    for name in IMAGES:
        path = os.path.join(SHARED, "images", name)
        bgr = cv2.imread(path, cv2.IMREAD_COLOR)
        if bgr is None:
            sys.exit(f"cannot read {path} (set SERVEKIT_SHARED_DIR)")
        boxed, r, new_unpad, (dw, dh), top, left = letterbox(bgr)
        rgb = boxed[:, :, ::-1]
        ys, xs = np.divmod(positions, SIZE)
        pixels = [[int(y), int(x), *(int(v) for v in rgb[y, x])] for y, x in zip(ys, xs)]
        fixture = {
            "image": name,
            "generator": {
                "script": "make-letterbox-fixture.py",
                "opencv": cv2.__version__,
                "numpy": np.__version__,
            },
            "decoded": {
                "width": int(bgr.shape[1]),
                "height": int(bgr.shape[0]),
                "sha256": sha256(bgr[:, :, ::-1]),
            },
            "letterbox": {
                "shape": list(rgb.shape),
                "ratio": r,
                "newUnpad": list(new_unpad),
                "dw": dw,
                "dh": dh,
                "top": top,
                "left": left,
                "sha256": sha256(rgb),
            },
            "pixels": pixels,
        }
        out = os.path.join(OUT_DIR, name.rsplit(".", 1)[0] + ".letterbox.json")
        with open(out, "w") as f:
            f.write(to_json(fixture) + "\n")
        print(f"wrote {out} ({os.path.getsize(out)} bytes)")

    cases = []
    for sw, sh, dw, dh in RESIZE_CASES:
        resized = cv2.resize(noise_image(sw, sh), (dw, dh), interpolation=cv2.INTER_LINEAR)
        cases.append({"src": [sw, sh], "dst": [dw, dh], "sha256": sha256(resized)})
    out = os.path.join(OUT_DIR, "resize-cases.json")
    with open(out, "w") as f:
        f.write(to_json({"opencv": cv2.__version__, "cases": cases}) + "\n")
    print(f"wrote {out} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    main()
