"""`python -m synth --text T -o out.wav`: a small torch model turns text into a tone sequence."""
import argparse
import math
import struct
import wave

import torch

SAMPLE_RATE = 16000


class Prosody(torch.nn.Module):
    """Maps a character embedding to (pitch, loudness)."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.embed = torch.nn.Embedding(256, 64)
        self.head = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.Tanh(), torch.nn.Linear(32, 2))

    def forward(self, codes):
        pitch, loud = self.head(self.embed(codes)).unbind(-1)
        return 110.0 + 220.0 * torch.sigmoid(pitch), 0.1 + 0.4 * torch.sigmoid(loud)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--text", required=True)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    codes = torch.tensor([min(ord(c), 255) for c in args.text])
    with torch.no_grad():
        pitch, loud = Prosody()(codes)
    frames = bytearray()
    per_char = SAMPLE_RATE // 10
    for f, a in zip(pitch.tolist(), loud.tolist()):
        for i in range(per_char):
            frames += struct.pack("<h", int(32767 * a * math.sin(2 * math.pi * f * i / SAMPLE_RATE)))
    with wave.open(args.output, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(bytes(frames))


if __name__ == "__main__":
    main()
