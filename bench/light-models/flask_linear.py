"""The course's ride-duration web service: Flask + the pickled sklearn model.

Run under gunicorn with MODEL_DIR set to where train_linear.py wrote:
    MODEL_DIR=... gunicorn -w <cores> -b 127.0.0.1:PORT flask_linear:app
"""
import json
import os
import pickle

from flask import Flask, jsonify, request

model_dir = os.environ["MODEL_DIR"]
with open(os.path.join(model_dir, "model.pkl"), "rb") as f:
    model = pickle.load(f)
with open(os.path.join(model_dir, "meta.json")) as f:
    features = json.load(f)["features"]

app = Flask("duration-prediction")


@app.route("/predict", methods=["POST"])
def predict():
    ride = request.get_json()
    prediction = model.predict([[ride[name] for name in features]])
    return jsonify({"duration": float(prediction[0])})
