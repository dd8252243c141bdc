import json

from openai import OpenAI

from config import get_settings

SYSTEM_PROMPT = (
    "Tu es un technicien de maintenance industrielle senior. "
    "Rédige des procédures claires et sûres. Réponds uniquement en JSON avec les clés "
    '"title", "safety_notes" et "steps" (liste d\'objets {"instruction", "tools"}).'
)

_client = None


def get_client() -> OpenAI:
    global _client
    if _client is None:
        _client = OpenAI(api_key=get_settings().openai_api_key)
    return _client


def generate_procedure(equipment: str, task: str, context: str | None = None) -> dict:
    prompt = f"Équipement : {equipment}\nIntervention : {task}"
    if context:
        prompt += f"\nContexte : {context}"
    response = get_client().chat.completions.create(
        model=get_settings().openai_model,
        messages=[
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": prompt},
        ],
        response_format={"type": "json_object"},
        temperature=0.3,
    )
    data = json.loads(response.choices[0].message.content)
    data.setdefault("title", f"{task} — {equipment}")
    data.setdefault("steps", [])
    return data
