"use client";

import { FormEvent, useState } from "react";
import { generateProcedure, type Procedure } from "@/lib/api";

export default function HomePage() {
  const [equipment, setEquipment] = useState("");
  const [task, setTask] = useState("");
  const [result, setResult] = useState<Procedure | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setLoading(true);
    setError(null);
    try {
      setResult(await generateProcedure(equipment, task));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setLoading(false);
    }
  }

  return (
    <main>
      <h1>Nouvelle procédure</h1>
      <form onSubmit={onSubmit}>
        <p>
          <input placeholder="Équipement (ex. compresseur Atlas Copco GA30)" value={equipment}
            onChange={(e) => setEquipment(e.target.value)} required style={{ width: "100%" }} />
        </p>
        <p>
          <textarea placeholder="Intervention (ex. remplacement du filtre à huile)" value={task}
            onChange={(e) => setTask(e.target.value)} required rows={4} style={{ width: "100%" }} />
        </p>
        <button type="submit" disabled={loading}>{loading ? "Génération…" : "Générer"}</button>
      </form>
      {error && <p style={{ color: "crimson" }}>{error}</p>}
      {result && (
        <section>
          <h2>{result.title}</h2>
          {result.safety_notes && <p><strong>Sécurité :</strong> {result.safety_notes}</p>}
          <ol>
            {result.steps.map((s) => (
              <li key={s.position}>{s.instruction}{s.tools ? ` (${s.tools})` : ""}</li>
            ))}
          </ol>
        </section>
      )}
    </main>
  );
}
