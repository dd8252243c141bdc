import os

from docx import Document as DocxDocument
from PyPDF2 import PdfReader


def extract_text(path):
    ext = os.path.splitext(path)[1].lower()
    if ext == ".pdf":
        reader = PdfReader(path)
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    if ext == ".docx":
        return "\n".join(p.text for p in DocxDocument(path).paragraphs)
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read()


def chunk_words(text, size=700):
    words = text.split()
    for start in range(0, len(words), size):
        yield " ".join(words[start:start + size])
