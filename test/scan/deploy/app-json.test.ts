import { describe, expect, it } from "vitest";
import { parseAppJson } from "../../../src/scan/deploy/app-json.js";

const HEROKU = `{
  "name": "sentiment-api",
  "description": "FastAPI + transformers",
  "stack": "heroku-24",
  "buildpacks": [{ "url": "heroku/python" }],
  "formation": {
    "web": { "quantity": 1, "size": "basic" },
    "worker": { "quantity": 1, "size": "standard-1x" }
  },
  "addons": ["heroku-postgresql:essential-0", { "plan": "heroku-redis:mini", "as": "REDIS" }, "papertrail"],
  "env": {
    "SECRET_KEY": { "description": "Django secret", "generator": "secret" },
    "HF_TOKEN": { "required": true },
    "WEB_CONCURRENCY": "2"
  },
  "scripts": { "postdeploy": "python manage.py migrate && curl -H 'Authorization: token abc' x" }
}
`;

describe("parseAppJson", () => {
  it("reads formation, env names, datastore add-ons and script names", () => {
    const r = parseAppJson(HEROKU, "app.json")!;
    expect(r.deployFile).toEqual({
      file: "app.json",
      kind: "app.json",
      env: ["SECRET_KEY", "HF_TOKEN", "WEB_CONCURRENCY"],
      processes: [
        { name: "web", evidence: { file: "app.json", line: 7, note: "app.json formation web, quantity 1, size basic" } },
        { name: "worker", evidence: { file: "app.json", line: 8, note: "app.json formation worker, quantity 1, size standard-1x" } },
      ],
    });
    expect(r.diagnostics.map((d) => [d.code, d.level, d.message])).toEqual([
      ["deploy-datastore-declared", "info", "app.json add-on heroku-postgresql:essential-0 declares a postgresql datastore"],
      ["deploy-datastore-declared", "info", "app.json add-on heroku-redis:mini declares a redis datastore"],
      ["app-json-scripts", "info", "app.json runs scripts: postdeploy"],
    ]);
    expect(JSON.stringify(r)).not.toContain("token abc");
  });

  it("returns null for app.json files that are not Heroku manifests", () => {
    expect(parseAppJson('{"expo": {"name": "mobile", "slug": "mobile"}}', "app.json")).toBeNull();
    expect(parseAppJson('{"name": "x", "version": "1.0.0"}', "app.json")).toBeNull();
    expect(parseAppJson("[1, 2, 3]", "app.json")).toBeNull();
    expect(parseAppJson("not json at all {", "app.json")).toBeNull();
    expect(parseAppJson("\0\0", "app.json")).toBeNull();
  });

  it("reports a broken Heroku manifest as a parse error", () => {
    const r = parseAppJson('{\n  "formation": {\n    "web": {"quantity": 1},\n  }\n}', "app.json")!;
    expect(r.deployFile.processes).toEqual([]);
    expect(r.diagnostics[0]).toMatchObject({ level: "error", code: "deploy-parse-error" });
  });
});
