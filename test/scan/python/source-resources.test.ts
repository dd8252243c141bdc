import { describe, expect, it } from "vitest";
import { py, scan } from "./py.js";

describe("env reads", () => {
  it("reads os.environ / getenv in every spelling, with defaults", () => {
    const f = scan(py`
      import os
      from os import getenv, environ
      a = os.environ["A"]
      b = os.environ.get("B", "x")
      c = os.getenv("C", 3)
      d = getenv("D")
      e = environ.get("E", None)
      os.environ.setdefault("F", "1")
      g = os.getenv("G", default="y")
      h = os.getenv("H", some_default)
    `);
    expect(f.envReads).toEqual([
      { name: "A", hasDefault: false, line: 3 },
      { name: "B", hasDefault: true, line: 4, defaultValue: "x" },
      { name: "C", hasDefault: true, line: 5, defaultValue: 3 },
      { name: "D", hasDefault: false, line: 6 },
      { name: "E", hasDefault: false, line: 7 },
      { name: "F", hasDefault: true, line: 8, defaultValue: "1" },
      { name: "G", hasDefault: true, line: 9, defaultValue: "y" },
      { name: "H", hasDefault: true, line: 10 },
    ]);
  });

  it("never records the default of a secret-looking name or a URL with credentials", () => {
    const f = scan(py`
      import os
      k = os.getenv("OPENAI_API_KEY", "sk-test-123")
      t = os.getenv("HF_TOKEN", "hf_abc")
      p = os.getenv("DB_PASSWORD", "hunter2")
      s = os.environ.get("JWT_SECRET", "dev")
      u = os.environ.get("DATABASE_URL", "postgresql://admin:hunter2@db:5432/app")
    `);
    for (const r of f.envReads) expect(r.defaultValue).toBeUndefined();
    expect(f.envReads.every((r) => r.hasDefault)).toBe(true);
    expect(JSON.stringify(f)).not.toMatch(/hunter2|sk-test|hf_abc/);
  });

  it("skips dynamic names and writes to os.environ", () => {
    const f = scan(py`
      import os
      name = input()
      os.getenv(name)
      os.environ[f"X_{name}"]
      os.environ["TOKENIZERS_PARALLELISM"] = "false"
      del os.environ["OLD"]
      if "Y" in os.environ:
          pass
    `);
    expect(f.envReads).toEqual([]);
  });

  it("reads python-decouple and environs", () => {
    const f = scan(py`
      from decouple import config
      from environs import Env
      env = Env()
      env.read_env()
      DEBUG = config("DEBUG", default=False, cast=bool)
      PORT = config("PORT", default=8000, cast=int)
      KEY = config("SECRET_KEY")
      url = env("REDIS_URL")
      workers = env.int("WORKERS", 2)
      name = env.str("APP_NAME", default="demo")
    `);
    expect(f.envReads).toEqual([
      { name: "DEBUG", hasDefault: true, line: 5 },
      { name: "PORT", hasDefault: true, line: 6, defaultValue: 8000 },
      { name: "SECRET_KEY", hasDefault: false, line: 7 },
      { name: "REDIS_URL", hasDefault: false, line: 8 },
      { name: "WORKERS", hasDefault: true, line: 9, defaultValue: 2 },
      { name: "APP_NAME", hasDefault: true, line: 10, defaultValue: "demo" },
    ]);
  });

  it("reads pydantic settings fields with prefixes, aliases and defaults", () => {
    const f = scan(py`
      from pydantic import BaseSettings as V1Settings, Field
      from pydantic_settings import BaseSettings, SettingsConfigDict
      from typing import ClassVar

      class Settings(BaseSettings):
          model_config = SettingsConfigDict(env_prefix="APP_")
          port: int = 8000
          debug: bool = False
          hf_token: str = Field(default="hf_x", validation_alias="HF_TOKEN")
          model_name: str = Field("gpt2", alias="MODEL")
          required_thing: str
          _private: int = 1
          VERSION: ClassVar[str] = "1"

      class Legacy(V1Settings):
          redis_url: str = Field(..., env="REDIS_URL")
          cache_dir: str = "/tmp/cache"

          class Config:
              env_prefix = "LEGACY_"

      class Child(Settings):
          extra: int = 1

      class NotSettings(BaseModel):
          field: int = 1
    `);
    expect(f.envReads).toEqual([
      { name: "APP_PORT", hasDefault: true, line: 7, defaultValue: 8000 },
      { name: "APP_DEBUG", hasDefault: true, line: 8 },
      { name: "HF_TOKEN", hasDefault: true, line: 9 },
      { name: "MODEL", hasDefault: true, line: 10, defaultValue: "gpt2" },
      { name: "APP_REQUIRED_THING", hasDefault: false, line: 11 },
      { name: "REDIS_URL", hasDefault: false, line: 16 },
      { name: "LEGACY_CACHE_DIR", hasDefault: true, line: 17, defaultValue: "/tmp/cache" },
      { name: "APP_EXTRA", hasDefault: true, line: 23, defaultValue: 1 },
    ]);
  });

  it("accepts the v2 class-keyword prefix", () => {
    const f = scan(py`
      from pydantic_settings import BaseSettings
      class S(BaseSettings, env_prefix="SVC_"):
          host: str = "0.0.0.0"
          origins: list[str] = Field(default_factory=list)
    `);
    expect(f.envReads).toEqual([
      { name: "SVC_HOST", hasDefault: true, line: 3, defaultValue: "0.0.0.0" },
      { name: "SVC_ORIGINS", hasDefault: true, line: 4 },
    ]);
  });
});

describe("model loads", () => {
  it("reads from_pretrained ids from literals, constants and env reads", () => {
    const f = scan(py`
      import os
      from transformers import AutoTokenizer, AutoModelForSequenceClassification
      MODEL = "distilbert-base-uncased"
      tok = AutoTokenizer.from_pretrained(MODEL)
      model = AutoModelForSequenceClassification.from_pretrained(os.getenv("MODEL_ID", "org/classifier"))
      local = AutoModelForSequenceClassification.from_pretrained("./models/finetuned")
      other = AutoModelForSequenceClassification.from_pretrained("models/finetuned")
      dyn = AutoModelForSequenceClassification.from_pretrained(os.environ["CKPT"])
    `);
    expect(f.modelLoads).toEqual([
      { loader: "from_pretrained", remote: true, line: 4, modelId: "distilbert-base-uncased" },
      { loader: "from_pretrained", remote: true, line: 5, fromEnv: "MODEL_ID", modelId: "org/classifier" },
      { loader: "from_pretrained", remote: false, line: 6, path: "./models/finetuned" },
      { loader: "from_pretrained", remote: false, line: 7, path: "models/finetuned" },
      { loader: "from_pretrained", remote: true, line: 8, fromEnv: "CKPT" },
    ]);
  });

  it("reads transformers pipelines, with and without a model", () => {
    const f = scan(py`
      from transformers import pipeline
      import transformers
      clf = pipeline("sentiment-analysis", model="cardiffnlp/twitter-roberta-base-sentiment")
      default = pipeline("summarization")
      pos = transformers.pipeline("ner", "dslim/bert-base-NER")
    `);
    expect(f.modelLoads).toEqual([
      { loader: "pipeline", remote: true, line: 3, modelId: "cardiffnlp/twitter-roberta-base-sentiment" },
      { loader: "pipeline", remote: true, line: 4 },
      { loader: "pipeline", remote: true, line: 5, modelId: "dslim/bert-base-NER" },
    ]);
  });

  it("does not take another library's pipeline() for transformers", () => {
    const f = scan(py`
      from sklearn.pipeline import Pipeline, make_pipeline
      from mylib import pipeline
      p = make_pipeline()
      q = pipeline("x", model="y")
    `);
    expect(f.modelLoads).toEqual([]);
  });

  it("reads hub downloads, sentence-transformers, torch.hub and whisper", () => {
    const f = scan(py`
      from huggingface_hub import hf_hub_download, snapshot_download
      from sentence_transformers import SentenceTransformer
      import torch, whisper
      p = hf_hub_download(repo_id="TheBloke/Llama-2-7B-GGUF", filename="llama-2-7b.Q4_K_M.gguf")
      d = snapshot_download("stabilityai/sd-turbo")
      emb = SentenceTransformer("all-MiniLM-L6-v2")
      yolo = torch.hub.load("ultralytics/yolov5", "yolov5s")
      mine = torch.hub.load("./hubconf_dir", "custom", source="local")
      asr = whisper.load_model("base")
    `);
    expect(f.modelLoads).toEqual([
      { loader: "hf_hub_download", remote: true, line: 4, modelId: "TheBloke/Llama-2-7B-GGUF" },
      { loader: "snapshot_download", remote: true, line: 5, modelId: "stabilityai/sd-turbo" },
      { loader: "SentenceTransformer", remote: true, line: 6, modelId: "all-MiniLM-L6-v2" },
      { loader: "torch.hub.load", remote: true, line: 7, modelId: "ultralytics/yolov5/yolov5s" },
      { loader: "torch.hub.load", remote: false, line: 8, path: "./hubconf_dir" },
      { loader: "whisper.load_model", remote: true, line: 9, modelId: "whisper-base" },
    ]);
  });

  it("reads torchvision weights only when pretrained", () => {
    const f = scan(py`
      from torchvision import models
      import torchvision
      a = models.resnet50(pretrained=True)
      b = torchvision.models.mobilenet_v3_small(weights="DEFAULT")
      c = models.resnet18()
      d = models.resnet18(weights=None)
    `);
    expect(f.modelLoads).toEqual([
      { loader: "torchvision", modelId: "resnet50", remote: true, line: 3 },
      { loader: "torchvision", modelId: "mobilenet_v3_small", remote: true, line: 4 },
    ]);
  });

  it("reads local loads with joined path patterns", () => {
    const f = scan(py`
      import os, pickle, joblib, torch
      import onnxruntime as ort
      import tensorflow as tf
      from keras.models import load_model
      from pathlib import Path
      BASE = Path("artifacts")
      m1 = torch.load("weights/model.pt", map_location="cpu")
      m2 = joblib.load(os.path.join("data", "automl_models", name, "xgboost_model.joblib"))
      m3 = pickle.load(open("model.pkl", "rb"))
      m4 = tf.keras.models.load_model("saved/model.h5")
      m5 = load_model(BASE / "cnn.keras")
      sess = ort.InferenceSession(str(BASE / "model.onnx"))
      with open(os.path.join("models", "vec.pkl"), "rb") as fh:
          vec = pickle.load(fh)
    `);
    expect(f.modelLoads).toEqual([
      { loader: "torch.load", remote: false, line: 7, path: "weights/model.pt" },
      { loader: "joblib.load", remote: false, line: 8, path: "data/automl_models/*/xgboost_model.joblib" },
      { loader: "pickle.load", remote: false, line: 9, path: "model.pkl" },
      { loader: "keras.load_model", remote: false, line: 10, path: "saved/model.h5" },
      { loader: "keras.load_model", remote: false, line: 11, path: "artifacts/cnn.keras" },
      { loader: "onnxruntime", remote: false, line: 12, path: "artifacts/model.onnx" },
      { loader: "pickle.load", remote: false, line: 14, path: "models/vec.pkl" },
    ]);
  });

  it("reads xgboost load_model on boosters, and not on keras models", () => {
    const xgbFile = scan(py`
      import xgboost as xgb
      booster = xgb.Booster()
      booster.load_model("models/fraud.json")
      clf = xgb.XGBClassifier()
      clf.load_model(MODEL_PATH)
      direct = xgb.Booster(model_file="models/direct.ubj")
      chained = xgb.Booster().load_model("models/chained.json")
    `);
    expect(xgbFile.modelLoads).toEqual([
      { loader: "xgboost.load_model", remote: false, line: 3, path: "models/fraud.json" },
      { loader: "xgboost.load_model", remote: false, line: 5 },
      { loader: "xgboost.load_model", remote: false, line: 6, path: "models/direct.ubj" },
      { loader: "xgboost.load_model", remote: false, line: 7, path: "models/chained.json" },
    ]);
    const kerasFile = scan(py`
      from tensorflow import keras
      model = keras.Sequential()
      model.load_model("x.h5")
      json.load(open("config.json"))
    `);
    expect(kerasFile.modelLoads).toEqual([]);
  });
});

describe("subprocesses", () => {
  it("renders list commands with literal parts, sys.executable as python, others as …", () => {
    const f = scan(py`
      import subprocess, sys, os, asyncio
      subprocess.run([sys.executable, "-m", "kokoro", "--text", text, "-o", out_path], check=True)
      subprocess.Popen("gunicorn app:app --workers 2", shell=True)
      os.system(f"python train.py --epochs {n}")
      cmd = ["ffmpeg", "-i", src, "out.wav"]
      subprocess.check_output(cmd)
      proc = await asyncio.create_subprocess_exec("python", "worker.py", stdout=asyncio.subprocess.PIPE)
      proc2 = await asyncio.create_subprocess_exec(*cmd)
      subprocess.call(["celery", "-A", "tasks", "worker"] + extra)
    `);
    expect(f.subprocesses).toEqual([
      { command: "python -m kokoro --text … -o …", line: 2 },
      { command: "gunicorn app:app --workers 2", line: 3 },
      { command: "python train.py --epochs …", line: 4 },
      { command: "ffmpeg -i … out.wav", line: 6 },
      { command: "python worker.py", line: 7 },
      { command: "ffmpeg -i … out.wav", line: 8 },
      { command: "celery -A tasks worker …", line: 9 },
    ]);
  });

  it("does not take other run() calls or subprocess constants for spawns", () => {
    const f = scan(py`
      import subprocess, asyncio
      asyncio.run(main())
      x = subprocess.DEVNULL
      app.run(host="0.0.0.0")
      runner.run(["python", "x"])
    `);
    expect(f.subprocesses).toEqual([]);
  });
});

describe("disk writes", () => {
  it("reads open() for writing, makedirs, mkdir and sqlite files", () => {
    const f = scan(py`
      import os, sqlite3
      from pathlib import Path
      with open("results/report.csv", "w") as fh: pass
      with open("notes.txt", mode="a") as fh: pass
      with open("config.json") as fh: pass
      os.makedirs("outputs/images", exist_ok=True)
      Path("cache/hf").mkdir(parents=True, exist_ok=True)
      conn = sqlite3.connect("data/app.db")
      mem = sqlite3.connect(":memory:")
    `);
    expect(f.diskWrites).toEqual([
      { path: "results/report.csv", kind: "output", line: 3 },
      { path: "notes.txt", kind: "other", line: 4 },
      { path: "outputs/images", kind: "output", line: 6 },
      { path: "cache/hf", kind: "cache", line: 7 },
      { path: "data/app.db", kind: "sqlite", line: 8 },
    ]);
  });

  it("reads Flask uploads: UPLOAD_FOLDER config and file.save", () => {
    const f = scan(py`
      import os
      from flask import Flask, request
      app = Flask(__name__)
      app.config["UPLOAD_FOLDER"] = "static/files"

      @app.post("/up")
      def up():
          f = request.files["file"]
          dest = os.path.join(app.config["UPLOAD_FOLDER"], f.filename)
          f.save(dest)
    `);
    expect(f.diskWrites).toEqual([
      { path: "static/files", kind: "uploads", line: 4 },
      { path: "static/files/*", kind: "uploads", line: 10 },
    ]);
  });

  it("classifies by the call: model dumps, log files, caches, temp files", () => {
    const f = scan(py`
      import joblib, torch, pickle, logging, tempfile, os
      from logging.handlers import RotatingFileHandler
      from transformers import AutoModel
      joblib.dump(model, "artifacts/clf.joblib")
      torch.save(model.state_dict(), "checkpoint.pt")
      pickle.dump(obj, open("state/obj.pkl", "wb"))
      logging.basicConfig(filename="app.log")
      handler = RotatingFileHandler("logs/api.log", maxBytes=1000)
      m = AutoModel.from_pretrained("bert-base-uncased", cache_dir="./hf_cache")
      tmp = tempfile.mkdtemp()
      os.environ["HF_HOME"] = "/data/hf"
      os.makedirs(os.getenv("UPLOAD_DIR", "/srv/files"), exist_ok=True)
      os.makedirs("/tmp/work", exist_ok=True)
    `);
    expect(f.diskWrites).toEqual([
      { path: "artifacts/clf.joblib", kind: "models", line: 4 },
      { path: "checkpoint.pt", kind: "models", line: 5 },
      { path: "state/obj.pkl", kind: "models", line: 6 },
      { path: "app.log", kind: "logs", line: 7 },
      { path: "logs/api.log", kind: "logs", line: 8 },
      { path: "./hf_cache", kind: "cache", line: 9 },
      { path: "/tmp/*", kind: "cache", line: 10 },
      { path: "/data/hf", kind: "cache", line: 11 },
      { path: "${UPLOAD_DIR}", kind: "uploads", line: 12 },
      { path: "/tmp/work", kind: "cache", line: 13 },
    ]);
  });

  it("reads sqlite paths from SQLAlchemy URLs", () => {
    const f = scan(py`
      from sqlalchemy import create_engine
      engine = create_engine("sqlite:///./app.db")
      SQLALCHEMY_DATABASE_URI = "sqlite:////var/data/prod.sqlite3"
      mem = create_engine("sqlite://")
    `);
    expect(f.diskWrites).toEqual([
      { path: "./app.db", kind: "sqlite", line: 2 },
      { path: "/var/data/prod.sqlite3", kind: "sqlite", line: 3 },
    ]);
  });

  it("does not record reads or fully unknown paths", () => {
    const f = scan(py`
      import os
      data = open(path).read()
      with open(path, "w") as fh: pass
      os.makedirs(somewhere)
      img.save(buffer, format="PNG")
      session.save()
    `);
    expect(f.diskWrites).toEqual([]);
  });
});
