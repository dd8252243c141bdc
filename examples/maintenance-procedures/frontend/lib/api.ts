export const API_URL = process.env.NEXT_PUBLIC_API_URL || "http://localhost:8000";

export type Step = { position: number; instruction: string; tools?: string | null };

export type Procedure = {
  id: number;
  title: string;
  equipment: string;
  description?: string | null;
  safety_notes?: string | null;
  created_at: string;
  steps: Step[];
};

function authHeaders(): Record<string, string> {
  const token = typeof window !== "undefined" ? window.localStorage.getItem("token") : null;
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${API_URL}${path}`, {
    ...init,
    headers: { "Content-Type": "application/json", ...authHeaders(), ...(init.headers || {}) },
  });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new Error(body.detail || `Erreur ${res.status}`);
  }
  return res.json() as Promise<T>;
}

export function listProcedures(): Promise<Procedure[]> {
  return request<Procedure[]>("/procedures");
}

export function generateProcedure(equipment: string, task: string, context?: string): Promise<Procedure> {
  return request<Procedure>("/procedures/generate", {
    method: "POST",
    body: JSON.stringify({ equipment, task, context }),
  });
}

export async function login(email: string, password: string): Promise<void> {
  const res = await fetch(`${API_URL}/auth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: email, password }),
  });
  if (!res.ok) throw new Error("Email ou mot de passe incorrect");
  const { access_token } = await res.json();
  window.localStorage.setItem("token", access_token);
}
