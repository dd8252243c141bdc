import json
from functools import lru_cache

from openai import OpenAI

from config.settings import settings

PROMPT = (
    "Summarise these meeting notes in 3-5 sentences, then list the action items with their owner. "
    'Answer as JSON: {"summary": str, "action_items": [str]}.'
)


@lru_cache(maxsize=1)
def get_client() -> OpenAI:
    return OpenAI(api_key=settings.openai_api_key, timeout=60, max_retries=2)


def summarise_notes(content: str) -> dict:
    completion = get_client().chat.completions.create(
        model=settings.openai_model,
        messages=[{"role": "system", "content": PROMPT}, {"role": "user", "content": content}],
        response_format={"type": "json_object"},
        temperature=0.2,
    )
    data = json.loads(completion.choices[0].message.content or "{}")
    return {"summary": data.get("summary", ""), "action_items": data.get("action_items", [])}
