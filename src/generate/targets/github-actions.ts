/**
 * .github/workflows/deploy.yml: a test job for every service folder (Python and Node), and a deploy
 * job for the chosen platform that runs only on pushes to main once the tests pass.
 */
import { stringify } from "yaml";
import type { GenerateContext, GeneratedFile, Generator, ServicePlan } from "../types.js";
import { slug } from "./common.js";

type Step = Record<string, unknown>;
const TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu";

const secret = (name: string) => `\${{ secrets.${name} }}`;
const variable = (name: string) => `\${{ vars.${name} }}`;
const where = (s: ServicePlan) => (s.root === "." ? {} : { "working-directory": s.root });
const inRoot = (s: ServicePlan, file: string) => (s.root === "." ? file : `${s.root}/${file}`);

/** One service per folder and language: services sharing a folder share their install and tests. */
function testedServices(ctx: GenerateContext): ServicePlan[] {
  const seen = new Set<string>();
  return ctx.services.filter((s) => {
    const key = `${s.root}\0${s.service.language}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function testSteps(s: ServicePlan, fixes: string[]): Step[] {
  const label = s.root === "." ? s.service.id : s.root;
  if (s.service.language === "node") {
    fixes.push(`${label}: npm ci and npm run build on Node ${s.nodeVersion}`);
    return [
      { name: `Set up Node ${s.nodeVersion} (${label})`, uses: "actions/setup-node@v4", with: { "node-version": s.nodeVersion, cache: "npm", "cache-dependency-path": inRoot(s, "package-lock.json") } },
      { name: `Install (${label})`, run: "npm ci", ...where(s) },
      { name: `Build (${label})`, run: "npm run build", ...where(s) },
    ];
  }
  const install = s.requirements.length
    ? s.requirements.map((r) => `pip install -r ${r}`).join("\n")
    : "pip install .";
  const env = s.cpuTorch ? { env: { PIP_EXTRA_INDEX_URL: TORCH_CPU_INDEX } } : {};
  if (s.cpuTorch) fixes.push(`${label}: CI installs CPU-only torch wheels (saves ~5 GB of CUDA downloads per run)`);
  fixes.push(`${label}: Python ${s.pythonVersion}, ${s.requirements.join(", ") || "the project"} installed, then pytest when tests/ exists, else a compile check`);
  const setup: Step = { name: `Set up Python ${s.pythonVersion} (${label})`, uses: "actions/setup-python@v5", with: { "python-version": s.pythonVersion } };
  if (s.requirements.length) (setup.with as Record<string, unknown>)["cache-dependency-path"] = s.requirements.map((r) => inRoot(s, r)).join("\n");
  if (s.requirements.length) (setup.with as Record<string, unknown>).cache = "pip";
  return [
    setup,
    { name: `Install dependencies (${label})`, run: `python -m pip install --upgrade pip\n${install}`, ...where(s), ...env },
    {
      name: `Test (${label})`,
      run: "if [ -d tests ]; then\n  pip install pytest\n  python -m pytest -q\nelse\n  python -m compileall -q .\nfi",
      ...where(s),
    },
  ];
}

function deploySteps(ctx: GenerateContext, fixes: string[]): Step[] | undefined {
  const app = slug(ctx.model.name);
  const checkout: Step = { uses: "actions/checkout@v4" };
  const services = ctx.services;
  switch (ctx.platform) {
    case "railway":
      fixes.push("deploys each service with the Railway CLI after the tests pass (secret RAILWAY_TOKEN: a project token)");
      return [
        checkout,
        { name: "Install the Railway CLI", run: "npm i -g @railway/cli" },
        ...services.map((s) => ({ name: `Deploy ${s.service.id}`, run: `railway up --service ${s.service.id} --detach`, env: { RAILWAY_TOKEN: secret("RAILWAY_TOKEN") } })),
      ];
    case "render": {
      const hook = (s: ServicePlan) => (services.length === 1 ? "RENDER_DEPLOY_HOOK_URL" : `RENDER_DEPLOY_HOOK_URL_${s.service.id.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`);
      fixes.push(`triggers Render's deploy hook for each service after the tests pass (secrets ${services.map(hook).join(", ")})`);
      return services.map((s) => ({ name: `Deploy ${s.service.id}`, run: `curl -fsS -X POST "$${hook(s)}"`, env: { [hook(s)]: secret(hook(s)) } }));
    }
    case "fly": {
      const roots = [...new Set(services.map((s) => s.root))];
      fixes.push("deploys each fly.toml with flyctl after the tests pass (secret FLY_API_TOKEN)");
      return [
        checkout,
        { uses: "superfly/flyctl-actions/setup-flyctl@master" },
        ...roots.map((root) => ({ name: `Deploy ${root === "." ? app : root}`, run: "flyctl deploy --remote-only", ...(root === "." ? {} : { "working-directory": root }), env: { FLY_API_TOKEN: secret("FLY_API_TOKEN") } })),
      ];
    }
    case "cloud-run": {
      const web = services.filter((s) => s.service.kind !== "worker");
      fixes.push("builds each image with Cloud Build and deploys its cloud-run.yaml after the tests pass (Workload Identity: secrets GCP_WORKLOAD_IDENTITY_PROVIDER, GCP_SERVICE_ACCOUNT; variables GCP_PROJECT, GCP_REGION, GCP_REPOSITORY)");
      const steps: Step[] = [
        checkout,
        { uses: "google-github-actions/auth@v2", with: { workload_identity_provider: secret("GCP_WORKLOAD_IDENTITY_PROVIDER"), service_account: secret("GCP_SERVICE_ACCOUNT") } },
        { uses: "google-github-actions/setup-gcloud@v2" },
      ];
      for (const s of web) {
        const name = slug(`${ctx.model.name}-${s.service.id}`).slice(0, 49).replace(/-+$/, "");
        const yamlFile = inRoot(s, "cloud-run.yaml");
        const image = `${variable("GCP_REGION")}-docker.pkg.dev/${variable("GCP_PROJECT")}/${variable("GCP_REPOSITORY")}/${name}:\${{ github.sha }}`;
        steps.push(
          { name: `Build ${s.service.id}`, run: `gcloud builds submit ${s.root} --tag "$IMAGE"`, env: { IMAGE: image } },
          { name: `Set the ${s.service.id} image`, run: `sed -i "s#REGION-docker.pkg.dev/PROJECT/REPO/${name}:latest#$IMAGE#" ${yamlFile}`, env: { IMAGE: image } },
          { name: `Deploy ${s.service.id}`, uses: "google-github-actions/deploy-cloudrun@v2", with: { metadata: yamlFile, region: variable("GCP_REGION") } },
        );
      }
      return steps;
    }
    default:
      return undefined;
  }
}

export const githubActions: Generator = {
  target: "github-actions",
  summary: "GitHub Actions workflow: tests on every push and pull request, deploy to the chosen platform from main",
  generate(ctx) {
    const fixes: string[] = [];
    const steps: Step[] = [{ uses: "actions/checkout@v4" }, ...testedServices(ctx).flatMap((s) => testSteps(s, fixes))];
    const jobs: Record<string, unknown> = { test: { "runs-on": "ubuntu-latest", steps } };
    const deploy = deploySteps(ctx, fixes);
    if (deploy) {
      const job: Record<string, unknown> = {
        needs: "test",
        if: "github.event_name == 'push' && github.ref == 'refs/heads/main'",
        "runs-on": "ubuntu-latest",
        concurrency: { group: "deploy", "cancel-in-progress": false },
      };
      if (ctx.platform === "cloud-run") job.permissions = { contents: "read", "id-token": "write" };
      job.steps = deploy;
      jobs.deploy = job;
    } else {
      fixes.push(`no deploy job: shipfit has no CI deploy step for ${ctx.platform} (railway, render, fly, cloud-run)`);
    }
    const doc = {
      name: "test and deploy",
      on: { push: { branches: ["main"] }, pull_request: { branches: ["main"] } },
      permissions: { contents: "read" },
      jobs,
    };
    const header = `# Generated by \`shipfit generate github-actions --platform ${ctx.platform}\`.\n`;
    return [{ path: ".github/workflows/deploy.yml", content: header + stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }), format: "yaml", target: "github-actions", fixes }];
  },
};
