"""Stand-in for `python -m kokoro`: loads a voice tensor and a tiny torch model, writes a WAV.

Only for running the app where the real package and its 330 MB model are unavailable.
"""

import argparse
import math
import os
import struct
import sys
import wave

import torch

SAMPLE_RATE = 24000
VOICES_DIR = os.environ.get(
    "KOKORO_VOICES_DIR",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "voices"),
)


class TinyProsody(torch.nn.Module):
    """Maps a 256-d voice style vector to (pitch, loudness) for the sine wave."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.net = torch.nn.Sequential(torch.nn.Linear(256, 16), torch.nn.Tanh(), torch.nn.Linear(16, 2))

    def forward(self, style):
        pitch, loud = self.net(style).unbind(-1)
        return 110.0 + 110.0 * torch.sigmoid(pitch), 0.2 + 0.3 * torch.sigmoid(loud)


def synthesise(text, voice):
    path = os.path.join(VOICES_DIR, f"{voice}.pt")
    if not os.path.exists(path):
        sys.exit(f"voice pack not found: {path}")
    pack = torch.load(path)
    # Real kokoro picks the style row by phoneme count; mimic that on the tiny pack.
    style = pack[min(len(text), pack.shape[0] - 1), 0]
    with torch.no_grad():
        pitch, loud = TinyProsody()(style)

    ballast_mb = int(os.environ.get("KOKORO_STANDIN_MB", "0"))
    ballast = torch.ones(ballast_mb * 1024 * 1024 // 4) if ballast_mb else None  # noqa: F841

    seconds = min(0.25 + 0.06 * len(text), 10.0)
    n = int(seconds * SAMPLE_RATE)
    freq, amp = float(pitch), float(loud)
    return [amp * math.sin(2 * math.pi * freq * i / SAMPLE_RATE) for i in range(n)]


def write_wav(samples, path):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with wave.open(path, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(b"".join(struct.pack("<h", int(s * 32767)) for s in samples))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="kokoro", description="Kokoro stand-in")
    parser.add_argument("-t", "--text", required=True)
    parser.add_argument("-m", "--voice", default="af_heart")
    parser.add_argument("-o", "--output-file", required=True)
    parser.add_argument("-s", "--speed", type=float, default=1.0)
    args = parser.parse_args(argv)
    write_wav(synthesise(args.text, args.voice), args.output_file)
    print(f"wrote {args.output_file}")


if __name__ == "__main__":
    main()
