import os

import gradio as gr
import requests

BACKEND_URL = os.environ.get("BACKEND_URL", "http://localhost:8000")


def _headers(token):
    return {"Authorization": f"Bearer {token.strip()}"} if token else {}


def summarise(token, title, content):
    try:
        resp = requests.post(
            f"{BACKEND_URL}/api/notes",
            json={"title": title, "content": content},
            headers=_headers(token),
            timeout=90,
        )
    except requests.RequestException as exc:
        return f"Backend unreachable: {exc}", ""
    if resp.status_code != 201:
        return f"Error {resp.status_code}: {resp.text[:200]}", ""
    note = resp.json()
    return note["summary"], "\n".join(f"- {item}" for item in note["action_items"])


def history(token):
    resp = requests.get(f"{BACKEND_URL}/api/notes", headers=_headers(token), timeout=30)
    if resp.status_code != 200:
        return [[f"Error {resp.status_code}", ""]]
    return [[n["title"], n["summary"] or ""] for n in resp.json()]


def backend_status():
    try:
        return requests.get(f"{BACKEND_URL}/api/health", timeout=5).json()
    except requests.RequestException as exc:
        return {"status": "unreachable", "error": str(exc)}


with gr.Blocks(title="Meeting notes assistant") as demo:
    gr.Markdown("# Meeting notes assistant")
    token = gr.Textbox(label="Supabase access token", type="password")
    with gr.Tab("Summarise"):
        title = gr.Textbox(label="Title")
        content = gr.Textbox(label="Notes", lines=12)
        go = gr.Button("Summarise", variant="primary")
        summary = gr.Textbox(label="Summary", lines=5)
        actions = gr.Textbox(label="Action items", lines=5)
        go.click(summarise, inputs=[token, title, content], outputs=[summary, actions])
    with gr.Tab("History"):
        refresh = gr.Button("Refresh")
        table = gr.Dataframe(headers=["Title", "Summary"], wrap=True)
        refresh.click(history, inputs=[token], outputs=[table])
    with gr.Tab("Status"):
        status = gr.JSON()
        gr.Button("Check backend").click(backend_status, outputs=[status])


if __name__ == "__main__":
    demo.launch(server_name="0.0.0.0", server_port=7860)
