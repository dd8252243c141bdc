"use client";

import { useEffect, useState } from "react";
import { listProcedures, type Procedure } from "@/lib/api";

export default function ProceduresPage() {
  const [procedures, setProcedures] = useState<Procedure[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    listProcedures().then(setProcedures).catch((err: Error) => setError(err.message));
  }, []);

  return (
    <main>
      <h1>Procédures</h1>
      {error && <p style={{ color: "crimson" }}>Backend injoignable : {error}</p>}
      <ul>
        {procedures.map((p) => (
          <li key={p.id}>
            <strong>{p.title}</strong> — {p.equipment} ({p.steps.length} étapes,{" "}
            {new Date(p.created_at).toLocaleDateString("fr-FR")})
          </li>
        ))}
      </ul>
    </main>
  );
}
