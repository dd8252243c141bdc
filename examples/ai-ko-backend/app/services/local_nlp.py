import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

# Loaded once when the module is imported so requests don't pay the load time;
# this is the ~500 MB the web process carries from start-up.
tokenizer = AutoTokenizer.from_pretrained("distilbert-base-uncased-finetuned-sst-2-english")
model = AutoModelForSequenceClassification.from_pretrained("distilbert-base-uncased-finetuned-sst-2-english")
model.eval()
torch.set_num_threads(1)


def classify_sentiment(text):
    inputs = tokenizer(text, truncation=True, max_length=512, return_tensors="pt")
    with torch.no_grad():
        probs = torch.softmax(model(**inputs).logits, dim=-1)[0]
    idx = int(probs.argmax())
    return {"label": model.config.id2label[idx], "score": round(float(probs[idx]), 4)}
