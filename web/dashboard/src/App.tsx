import { useState } from "react";
import { Dashboard } from "./Dashboard";

/** A token from "#token=JWT" in the address (then removed from it), else from this tab's session, else the form. */
function initialToken(): string {
  const match = /(?:^|[#&])token=([^&]+)/.exec(window.location.hash);
  if (match) {
    const token = decodeURIComponent(match[1]);
    sessionStorage.setItem("cw.token", token);
    history.replaceState(null, "", window.location.pathname);
    return token;
  }

  return sessionStorage.getItem("cw.token") ?? "";
}

export function App() {
  const [token, setToken] = useState(initialToken);
  const [draft, setDraft] = useState("");

  if (!token) {
    return (
      <main className="signin">
        <h1>CreatiWall · live operations</h1>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            sessionStorage.setItem("cw.token", draft.trim());
            setToken(draft.trim());
          }}
        >
          <label htmlFor="token">Token (JWT)</label>
          <textarea
            id="token"
            name="token"
            rows={4}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="eyJhbGciOiJIUzI1NiIs…"
          />
          <button type="submit" disabled={!draft.trim()}>
            Sign in
          </button>
        </form>
      </main>
    );
  }

  return (
    <Dashboard
      token={token}
      onSignOut={() => {
        sessionStorage.removeItem("cw.token");
        setToken("");
      }}
    />
  );
}
