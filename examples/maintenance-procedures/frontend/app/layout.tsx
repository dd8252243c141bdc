import type { Metadata } from "next";
import type { ReactNode } from "react";

export const metadata: Metadata = {
  title: "Procédures de maintenance",
  description: "Génération et consultation de procédures de maintenance",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="fr">
      <body style={{ fontFamily: "system-ui, sans-serif", maxWidth: 960, margin: "0 auto", padding: 24 }}>
        <nav style={{ marginBottom: 24 }}>
          <a href="/">Nouvelle procédure</a> · <a href="/procedures">Toutes les procédures</a>
        </nav>
        {children}
      </body>
    </html>
  );
}
