import { openSync, closeSync, ftruncateSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeText, MAX_TEXT_BYTES, modelFormat, readText, sniffModelFile } from "../../src/scan/read.js";
import { seed } from "../helpers/tmp.js";

describe("readText", () => {
  it("reads UTF-8 text and drops a BOM", async () => {
    const root = seed({ "a.py": "\ufeffprint('é')\n" });
    expect(await readText(root, { path: "a.py", size: 20, allocated: 4096 })).toEqual({ text: "print('é')\n" });
  });

  it("refuses files over the 1 MB cap without reading them", async () => {
    const root = seed({});
    const r = await readText(root, { path: "huge.py", size: MAX_TEXT_BYTES + 1, allocated: 0 });
    expect("diagnostic" in r && r.diagnostic.code).toBe("file-too-large");
  });

  it("reports binary and non-UTF-8 content instead of parsing it", () => {
    const bin = decodeText(new Uint8Array([0x70, 0x00, 0x01]), "x.py");
    expect("diagnostic" in bin && bin.diagnostic.code).toBe("binary-file");
    const latin1 = decodeText(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]), "y.txt");
    expect("diagnostic" in latin1 && latin1.diagnostic.code).toBe("non-utf8-file");
  });
});

describe("model files", () => {
  it("knows weight formats by extension, and .bin only where models live", () => {
    expect(modelFormat("models/clf.joblib")).toBe("joblib");
    expect(modelFormat("w/model.safetensors")).toBe("safetensors");
    expect(modelFormat("checkpoints/pytorch_model.bin")).toBe("bin");
    expect(modelFormat("static/favicon.bin")).toBeUndefined();
    expect(modelFormat("app.py")).toBeUndefined();
  });

  it("recognises a Git LFS pointer and takes the size it declares", async () => {
    const pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 438012345\n";
    const root = seed({ "models/model.safetensors": pointer });
    const m = await sniffModelFile(root, { path: "models/model.safetensors", size: pointer.length, allocated: 4096 }, "safetensors");
    expect(m).toMatchObject({ lfsPointer: true, bytes: 438012345 });
  });

  it("stats a multi-GB sparse file without reading it", async () => {
    const root = seed({});
    const fd = openSync(path.join(root, "big.gguf"), "w");
    ftruncateSync(fd, 5 * 1024 ** 3);
    closeSync(fd);
    const m = await sniffModelFile(root, { path: "big.gguf", size: 5 * 1024 ** 3, allocated: 0 }, "gguf");
    expect(m).toMatchObject({ bytes: 5 * 1024 ** 3, lfsPointer: false, sparse: true });
  });
});
