import { describe, expect, it } from "vitest";
import { parseProcfile } from "../../src/scan/deploy/procfile.js";
import { expectWellFormedDeploy } from "./deploy-check.js";
import { mutations } from "./mutate.js";

const SEEDS = [
  "web: gunicorn --bind 0.0.0.0:$PORT run:app --workers 2 --timeout 120\n",
  "release: python manage.py migrate\nweb: uvicorn app.main:app --host 0.0.0.0 --port ${PORT:-8000}\nworker: celery -A app.tasks worker --concurrency=1\n",
  "# processes\n\nweb: sh -c 'cd backend && gunicorn app:app'\nbeat: celery -A proj beat -l info\r\n",
  "web: streamlit run app.py --server.port $PORT --server.address 0.0.0.0\nweb: python app.py\n",
  "web: npm start\nclock: node clock.js\n",
];

describe("parseProcfile fuzz", () => {
  it("never throws and stays well formed on 2,000 mutated Procfiles", () => {
    let count = 0;
    for (const input of mutations(SEEDS, 2000, 11)) {
      let r;
      try {
        r = parseProcfile(input, "Procfile");
      } catch (e) {
        throw new Error(`parseProcfile threw on ${JSON.stringify(input)}: ${String(e)}`);
      }
      expectWellFormedDeploy(r, input, "Procfile");
      const names = r.deployFile.processes.map((p) => p.name);
      expect(new Set(names).size, JSON.stringify(input)).toBe(names.length);
      count++;
    }
    expect(count).toBe(2000);
  });
});
