"""A Flask API that runs speech synthesis in a child process (`python -m synth`), so the torch
model's memory is given back after each request."""
import os
import subprocess
import sys
import tempfile
import uuid

from flask import Flask, jsonify, request

OUTPUT_DIR = os.environ.get("TTS_OUTPUT_DIR", tempfile.gettempdir())
app = Flask(__name__)


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.get("/tts")
def tts():
    text = request.args.get("text", "").strip()[:200]
    if not text:
        return jsonify(error="text is required"), 400
    out_path = os.path.join(OUTPUT_DIR, f"tts-{uuid.uuid4().hex}.wav")
    cmd = [sys.executable, "-m", "synth", "--text", text, "-o", out_path]
    result = subprocess.run(cmd, capture_output=True, timeout=120)
    if result.returncode != 0:
        return jsonify(error="synthesis failed", code=result.returncode), 500
    try:
        with open(out_path, "rb") as f:
            audio = f.read()
    finally:
        os.remove(out_path)
    return audio, 200, {"Content-Type": "audio/wav"}


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
