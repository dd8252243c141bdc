import { describe, expect, it } from "vitest";
import { parseHfSpaceReadme } from "../../../src/scan/deploy/hf-space.js";

describe("parseHfSpaceReadme", () => {
  it("reads a Gradio Space: implied command, default port, python_version as written", () => {
    const text = `---
title: Whisper Demo
emoji: 🎙️
colorFrom: blue
colorTo: red
sdk: gradio
sdk_version: 4.44.0
python_version: 3.10
app_file: src/ui.py
suggested_hardware: t4-small
pinned: false
---

# Whisper demo
`;
    expect(parseHfSpaceReadme(text, "README.md")).toEqual({
      deployFile: {
        file: "README.md",
        kind: "hf-space",
        pythonVersion: "3.10",
        pythonVersionLine: 8,
        processes: [
          {
            name: "web",
            command: "python src/ui.py",
            port: 7860,
            evidence: { file: "README.md", line: 6, note: "Hugging Face Space, sdk gradio, sdk_version 4.44.0, suggested_hardware t4-small" },
          },
        ],
      },
      diagnostics: [],
    });
  });

  it("reads a Docker Space's app_port and a Streamlit Space's default", () => {
    const docker = parseHfSpaceReadme("---\nsdk: docker\napp_port: 8000\n---\n", "README.md")!;
    expect(docker.deployFile.processes).toEqual([{ name: "web", port: 8000, evidence: { file: "README.md", line: 2, note: "Hugging Face Space, sdk docker" } }]);
    const st = parseHfSpaceReadme("\ufeff---\r\nsdk: streamlit\r\n---\r\n", "README.md")!;
    expect(st.deployFile.processes[0]).toMatchObject({ command: "streamlit run app.py", port: 8501 });
  });

  it("returns null for READMEs that are not Spaces", () => {
    expect(parseHfSpaceReadme("# My project\n\nsdk: gradio\n", "README.md")).toBeNull();
    expect(parseHfSpaceReadme("---\ntitle: Blog post\nlayout: post\n---\nbody", "README.md")).toBeNull();
    expect(parseHfSpaceReadme("---\nsdk: gradio\nno closing fence", "README.md")).toBeNull();
    expect(parseHfSpaceReadme("---\n[broken: yaml\n---\n", "README.md")).toBeNull();
  });

  it("reports broken front matter of a Space with the README line", () => {
    const r = parseHfSpaceReadme("---\nsdk: gradio\ntitle: [oops\n---\n", "README.md")!;
    expect(r.deployFile).toEqual({ file: "README.md", kind: "hf-space", processes: [] });
    expect(r.diagnostics[0]).toMatchObject({ code: "deploy-parse-error" });
    expect(r.diagnostics[0]!.evidence[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it("keeps a static Space (or an unknown sdk) without a process", () => {
    expect(parseHfSpaceReadme("---\nsdk: static\n---\n", "README.md")!.deployFile).toEqual({ file: "README.md", kind: "hf-space", processes: [] });
    expect(parseHfSpaceReadme("---\nsdk: constructor\n---\n", "README.md")!.deployFile.processes).toEqual([]);
  });
});
