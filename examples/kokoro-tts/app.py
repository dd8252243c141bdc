import logging
import os
import subprocess
import sys
import uuid

from flask import Flask, after_this_request, jsonify, render_template, request, send_file

logging.basicConfig(level=logging.INFO)

OUTPUT_DIR = os.environ.get("TTS_OUTPUT_DIR", "/tmp/tts_output")
VOICES = ["af_heart", "af_bella", "am_adam", "am_michael", "bf_emma", "bm_george"]
MAX_CHARS = int(os.environ.get("TTS_MAX_CHARS", "1000"))
TIMEOUT_S = 120

os.makedirs(OUTPUT_DIR, exist_ok=True)
app = Flask(__name__)


@app.get("/")
def index():
    return render_template("index.html", voices=VOICES, max_chars=MAX_CHARS)


@app.get("/api/health")
def health():
    return jsonify(status="ok")


@app.post("/api/tts")
def tts():
    data = request.get_json(silent=True) or {}
    text = (data.get("text") or "").strip()
    voice = data.get("voice") or "af_heart"
    if not text:
        return jsonify(error="text is required"), 400
    if len(text) > MAX_CHARS:
        return jsonify(error=f"text is limited to {MAX_CHARS} characters"), 400
    if voice not in VOICES:
        return jsonify(error=f"unknown voice, choose one of {', '.join(VOICES)}"), 400

    out_path = os.path.join(OUTPUT_DIR, f"{uuid.uuid4().hex}.wav")
    # A subprocess so that the model's memory is given back after each request.
    cmd = [sys.executable, "-m", "kokoro", "--text", text, "--voice", voice, "-o", out_path]
    try:
        result = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        logging.error("kokoro subprocess timed out after %ss", TIMEOUT_S)
        return jsonify(error="speech generation timed out"), 504

    if result.returncode != 0:
        logging.error("kokoro subprocess failed with return code %s", result.returncode)
        logging.error("%s", subprocess.CalledProcessError(result.returncode, cmd))
        if result.returncode == -9:
            logging.error(
                "kokoro was killed by SIGKILL, probably out of memory: the model needs more RAM "
                "than this plan allows (try 2 GB or more)"
            )
            return jsonify(error="the TTS process was killed (out of memory)"), 503
        logging.error("kokoro stderr: %s", result.stderr.decode(errors="replace")[-2000:])
        return jsonify(error="speech generation failed"), 500

    if not os.path.exists(out_path):
        logging.error("kokoro exited 0 but wrote no file at %s", out_path)
        return jsonify(error="speech generation produced no audio"), 500

    @after_this_request
    def cleanup(response):
        try:
            os.remove(out_path)
        except OSError:
            pass
        return response

    return send_file(out_path, mimetype="audio/wav", as_attachment=False, download_name="speech.wav")


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", 5000)))
