"""Trains the ride-duration linear regression on synthetic trips (fixed seed).

Writes to OUT_DIR: model.pkl (the scikit-learn model, pickled as the course
does), model.onnx (the same weights as float32 [N,8] -> MatMul -> Add ->
[N,1], built with onnx.helper) and meta.json (feature names, a few sample
trips with sklearn's predictions, versions).

    /usr/bin/python3 train_linear.py OUT_DIR '[{"name": "...", "low": 0, "high": 1}, ...]'
"""
import json
import pickle
import sys

import numpy as np
import onnx
import sklearn
from onnx import TensorProto, helper
from sklearn.linear_model import LinearRegression

out_dir, features = sys.argv[1], json.loads(sys.argv[2])
names = [f["name"] for f in features]
rng = np.random.default_rng(42)
low = np.array([f["low"] for f in features], dtype=np.float64)
high = np.array([f["high"] for f in features], dtype=np.float64)
x = rng.uniform(low, high, size=(5000, len(features)))
true_coef = rng.normal(0.0, 1.0, size=len(features)) / (high - low) * 10
y = 8.0 + x @ true_coef + rng.normal(0.0, 2.0, size=len(x))
model = LinearRegression().fit(x, y)

with open(f"{out_dir}/model.pkl", "wb") as f:
    pickle.dump(model, f)

weights = helper.make_tensor(
    "coef", TensorProto.FLOAT, [len(names), 1], model.coef_.astype(np.float32).tolist()
)
bias = helper.make_tensor("intercept", TensorProto.FLOAT, [1], [float(model.intercept_)])
graph = helper.make_graph(
    [
        helper.make_node("MatMul", ["features", "coef"], ["product"]),
        helper.make_node("Add", ["product", "intercept"], ["duration"]),
    ],
    "ride_duration",
    [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", len(names)])],
    [helper.make_tensor_value_info("duration", TensorProto.FLOAT, ["N", 1])],
    initializer=[weights, bias],
)
onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(onnx_model)
onnx.save(onnx_model, f"{out_dir}/model.onnx")

samples = rng.uniform(low, high, size=(5, len(features))).round(2)
predictions = model.predict(samples)
meta = {
    "features": names,
    "samples": [
        {"input": dict(zip(names, row.tolist())), "duration": float(p)}
        for row, p in zip(samples, predictions)
    ],
    "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "onnx": onnx.__version__},
}
with open(f"{out_dir}/meta.json", "w") as f:
    json.dump(meta, f, indent=2)
print(json.dumps({"trained": out_dir, "r2": model.score(x, y)}))
