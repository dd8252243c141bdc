import { describe, expect, it } from "vitest";
import { py, scan } from "./py.js";

describe("datastores", () => {
  it("reads PostgreSQL from drivers and URLs without ever keeping the URL", () => {
    const f = scan(py`
      import os, psycopg2, asyncpg
      conn = psycopg2.connect(os.environ["DATABASE_URL"])
      pool = await asyncpg.create_pool(dsn=os.getenv("PG_DSN"))
      LOCAL = "postgresql://admin:s3cr3t@localhost:5432/app"
    `);
    expect(f.datastores).toEqual([
      { kind: "postgresql", line: 2, envVar: "DATABASE_URL" },
      { kind: "postgresql", line: 3, envVar: "PG_DSN" },
    ]);
    expect(JSON.stringify(f)).not.toContain("s3cr3t");
  });

  it("records a URL literal's kind when nothing else names the datastore", () => {
    const f = scan(`ENGINE_URL = "postgres://u:p@h/db"\nCACHE = "rediss://cache:6380/0"\n`);
    expect(f.datastores).toEqual([
      { kind: "postgresql", line: 1 },
      { kind: "redis", line: 2 },
    ]);
    expect(JSON.stringify(f)).not.toContain("u:p@");
  });

  it("reads a bare DATABASE_URL as PostgreSQL only when a driver is imported", () => {
    const withDriver = scan(py`
      import os
      import psycopg2
      from sqlalchemy import create_engine
      engine = create_engine(os.environ["DATABASE_URL"])
    `);
    expect(withDriver.datastores).toEqual([{ kind: "postgresql", line: 4, envVar: "DATABASE_URL" }]);
    const without = scan(py`
      import os
      from sqlalchemy import create_engine
      engine = create_engine(os.environ["DATABASE_URL"])
    `);
    expect(without.datastores).toEqual([]);
  });

  it("takes the kind from the env default's scheme", () => {
    const f = scan(py`
      import os
      from sqlalchemy import create_engine
      engine = create_engine(os.getenv("DATABASE_URL", "sqlite:///./local.db"))
      mongo = os.getenv("MONGO_URI")
    `);
    expect(f.datastores).toEqual([
      { kind: "sqlite", line: 3, envVar: "DATABASE_URL", path: "./local.db" },
      { kind: "mongodb", line: 4, envVar: "MONGO_URI" },
    ]);
  });

  it("reads Redis clients and Celery brokers, not RabbitMQ", () => {
    const f = scan(py`
      import os, redis
      from redis import Redis
      from celery import Celery
      r1 = redis.Redis(host=os.getenv("REDIS_HOST", "localhost"), port=6379)
      r2 = Redis.from_url(os.environ["REDIS_URL"])
      r3 = redis.from_url("redis://localhost:6379/0")
      app = Celery("w", broker=os.environ.get("CELERY_BROKER_URL", "redis://redis:6379/0"))
      rabbit = Celery("r", broker="amqp://guest@rabbit//")
    `);
    expect(f.datastores).toEqual([
      { kind: "redis", line: 4, envVar: "REDIS_HOST" },
      { kind: "redis", line: 5, envVar: "REDIS_URL" },
      { kind: "redis", line: 6 },
      { kind: "redis", line: 7, envVar: "CELERY_BROKER_URL" },
    ]);
  });

  it("reads Celery settings assigned on app.conf", () => {
    const f = scan(py`
      import os
      from celery import Celery
      celery_app = Celery("tasks")
      celery_app.conf.broker_url = os.environ["REDIS_URL"]
      celery_app.conf.update(result_backend=os.getenv("RESULT_BACKEND", "redis://localhost/1"))
    `);
    expect(f.datastores).toEqual([
      { kind: "redis", line: 4, envVar: "REDIS_URL" },
      { kind: "redis", line: 5, envVar: "RESULT_BACKEND" },
    ]);
  });

  it("reads S3 (with the bucket variable), SQLite and MongoDB; other boto3 services are not datastores", () => {
    const f = scan(py`
      import os, boto3, sqlite3
      from pymongo import MongoClient
      BUCKET = os.environ["MODELS_BUCKET"]
      s3 = boto3.client("s3")
      bedrock = boto3.client("bedrock-runtime")
      db = sqlite3.connect("history.sqlite")
      mongo = MongoClient(os.getenv("MONGODB_URL"))
    `);
    expect(f.datastores).toEqual([
      { kind: "s3", line: 4, envVar: "MODELS_BUCKET" },
      { kind: "sqlite", line: 6, path: "history.sqlite" },
      { kind: "mongodb", line: 7, envVar: "MONGODB_URL" },
    ]);
  });
});

describe("external APIs", () => {
  it("reads SDK imports and clients", () => {
    const f = scan(py`
      from openai import OpenAI
      import anthropic
      from huggingface_hub import InferenceClient
      from supabase import create_client
      import stripe, replicate
      from google_auth_oauthlib.flow import Flow
      from google.oauth2 import id_token
      client = OpenAI()
      claude = anthropic.Anthropic()
      hf = InferenceClient(token=os.getenv("HF_TOKEN"))
      sb = create_client(url, key)
    `);
    expect(f.externalApis).toEqual([
      { kind: "openai", line: 1 },
      { kind: "anthropic", line: 2 },
      { kind: "huggingface-inference", line: 3 },
      { kind: "supabase", line: 4 },
      { kind: "stripe", line: 5 },
      { kind: "replicate", line: 5 },
      { kind: "google-oauth", line: 6 },
      { kind: "google-oauth", line: 7 },
      { kind: "openai", line: 8 },
      { kind: "anthropic", line: 9 },
      { kind: "huggingface-inference", line: 10 },
      { kind: "supabase", line: 11 },
    ]);
  });

  it("reads API hosts in URLs, authlib's Google client and non-S3 boto3 services", () => {
    const f = scan(py`
      import boto3
      from authlib.integrations.flask_client import OAuth
      API = "https://router.huggingface.co/hf-inference/models/gpt2"
      oauth = OAuth(app)
      oauth.register(name="google", client_id=os.getenv("GOOGLE_CLIENT_ID"))
      runtime = boto3.client("sagemaker-runtime")
    `);
    expect(f.externalApis).toEqual([
      { kind: "huggingface-inference", line: 3 },
      { kind: "google-oauth", line: 5 },
      { kind: "aws", line: 6 },
    ]);
  });

  it("reads API hosts inside f-strings (URLs built around a model name)", () => {
    const f = scan(py`
      import os
      HF_MODEL = os.environ.get("HF_MODEL", "mistralai/Mistral-7B-Instruct-v0.2")
      HF_API_URL = f"https://api-inference.huggingface.co/models/{HF_MODEL}"
      label = f"model {HF_MODEL}"
    `);
    expect(f.externalApis).toEqual([{ kind: "huggingface-inference", line: 3 }]);
  });

  it("ignores mentions in comments, plain huggingface_hub use and unrelated packages", () => {
    const f = scan(py`
      # we used to call openai here
      import requests
      from huggingface_hub import hf_hub_download
      from authlib.jose import jwt
      oauth.register(name="github")
      s3 = boto3.client("s3")
    `);
    expect(f.externalApis).toEqual([]);
  });
});

describe("CUDA", () => {
  it("reads every way code asks for the GPU", () => {
    const f = scan(py`
      import torch
      from transformers import AutoModelForCausalLM, pipeline
      DEVICE = "cuda:0"
      if torch.cuda.is_available():
          torch.cuda.empty_cache()
      model = model.cuda()
      x = x.to("cuda")
      y = y.to(DEVICE)
      dev = torch.device("cuda")
      llm = AutoModelForCausalLM.from_pretrained("gpt2", device_map="auto")
      emb = SentenceTransformer("all-MiniLM-L6-v2", device="cuda")
      p = pipeline("ner", device=0)
      import onnxruntime as ort
      sess = ort.InferenceSession("m.onnx", providers=["CUDAExecutionProvider", "CPUExecutionProvider"])
    `);
    expect(f.cuda).toEqual([
      { line: 3, note: 'DEVICE = "cuda"' },
      { line: 4, note: "torch.cuda.is_available()" },
      { line: 5, note: "torch.cuda.empty_cache()" },
      { line: 6, note: ".cuda()" },
      { line: 7, note: '.to("cuda")' },
      { line: 8, note: '.to("cuda")' },
      { line: 9, note: 'torch.device("cuda")' },
      { line: 10, note: 'device_map="auto"' },
      { line: 11, note: 'device="cuda"' },
      { line: 12, note: "pipeline(device=0)" },
      { line: 14, note: "onnxruntime CUDAExecutionProvider" },
    ]);
  });

  it("ignores comments, prints, CPU devices and negative pipeline devices", () => {
    const f = scan(py`
      import torch
      from transformers import pipeline
      # model.to("cuda") once we have a GPU
      print("cuda")
      x = x.to("cpu")
      dev = torch.device("cpu")
      p = pipeline("ner", device=-1)
      label = "cuda"
    `);
    expect(f.cuda).toEqual([]);
  });
});
