import os

import requests

HF_API_TOKEN = os.environ.get("HF_API_TOKEN")
HF_MODEL = os.environ.get("HF_MODEL", "mistralai/Mistral-7B-Instruct-v0.2")
HF_API_URL = f"https://api-inference.huggingface.co/models/{HF_MODEL}"


class InferenceError(RuntimeError):
    pass


def generate(prompt, max_new_tokens=512, temperature=0.7):
    """Text generation on the hosted model: nothing heavy runs in this process."""
    if not HF_API_TOKEN:
        raise InferenceError("HF_API_TOKEN is not set")
    try:
        resp = requests.post(
            HF_API_URL,
            headers={"Authorization": f"Bearer {HF_API_TOKEN}"},
            json={
                "inputs": prompt,
                "parameters": {
                    "max_new_tokens": max_new_tokens,
                    "temperature": temperature,
                    "return_full_text": False,
                },
                "options": {"wait_for_model": False},
            },
            timeout=60,
        )
    except requests.RequestException as exc:
        raise InferenceError(str(exc)) from exc

    if resp.status_code == 503:
        raise InferenceError("model is loading")
    if resp.status_code != 200:
        raise InferenceError(f"HTTP {resp.status_code}")
    data = resp.json()
    if isinstance(data, list) and data:
        return data[0].get("generated_text", "").strip()
    raise InferenceError("unexpected response shape")
