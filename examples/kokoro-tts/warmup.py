"""Downloads the Kokoro-82M weights and voice packs into the Hugging Face cache ahead of time."""

from huggingface_hub import hf_hub_download

REPO_ID = "hexgrad/Kokoro-82M"
VOICES = ("af_heart", "af_bella", "am_adam", "am_michael", "bf_emma", "bm_george")


def main():
    hf_hub_download(repo_id=REPO_ID, filename="config.json")
    path = hf_hub_download(repo_id=REPO_ID, filename="kokoro-v1_0.pth")
    print(f"model: {path}")
    for voice in VOICES:
        hf_hub_download(repo_id=REPO_ID, filename=f"voices/{voice}.pt")
    print(f"voices: {', '.join(VOICES)}")


if __name__ == "__main__":
    main()
