// @vitest-environment jsdom
import { act, createElement, StrictMode, useEffect } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, expect, inject, it } from "vitest";
import { RealtimeClient } from "../src/index.js";
import { useWebSocket } from "../src/react.js";
import { tenant, token } from "./tokens.js";

const baseUrl = inject("baseUrl");
const secret = inject("secret");
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const roots: Root[] = [];
afterEach(() => act(() => roots.splice(0).forEach((root) => root.unmount())));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean | Promise<boolean>, ms = 10_000) {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > ms) throw new Error("timed out");
    await act(() => sleep(20));
  }
}

/** How many MQTT connections user `sub` of tenant `t` has, as the host counts them. */
async function connectionsOf(t: string, sub: string) {
  const admin = new RealtimeClient({ baseUrl, getToken: () => token(secret, { tenant: t, sub: "root", role: "admin" }) });
  const status = await admin.getStatus();
  return status.users.find((u) => u.userId === sub)?.connections ?? 0;
}

/** A component that uses the hook the way the README shows, counting its renders and the notes it hears. */
function Probe({ jwt, probe }: { jwt: string; probe: { renders: number; notes: number[]; connected: boolean } }) {
  const { on, connected } = useWebSocket({ baseUrl, getToken: () => jwt });
  probe.renders++;
  probe.connected = connected;
  useEffect(() => on<{ n: number }>("note", (m) => probe.notes.push(m.data.n)), [on, probe]);
  return createElement("p", { "data-connected": String(connected) });
}

it("keeps one MQTT connection under StrictMode's double mount, none after unmount, and re-renders only on connection changes", async () => {
  const t = tenant();
  const probe = { renders: 0, notes: [] as number[], connected: false };
  const container = document.createElement("div");
  const root = createRoot(container);
  roots.push(root);
  await act(() =>
    root.render(createElement(StrictMode, null, createElement(Probe, { jwt: token(secret, { tenant: t, sub: "viewer" }), probe }))),
  );

  await until(() => probe.connected);
  // The abandoned first mount's connect would open its own connection shortly after the second's: give it time to.
  for (let i = 0; i < 10; i++) {
    expect(await connectionsOf(t, "viewer")).toBe(1);
    await act(() => sleep(100));
  }

  const sender = new RealtimeClient({ baseUrl, getToken: () => token(secret, { tenant: t, sub: "sender" }) });
  const renders = probe.renders;
  for (let n = 1; n <= 20; n++) await sender.send({ type: "note", data: { n } });
  await until(() => probe.notes.length >= 20);
  await act(() => sleep(100));
  expect(probe.notes).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  expect(probe.renders).toBe(renders);

  await act(() => root.unmount());
  roots.splice(0);
  await until(async () => (await connectionsOf(t, "viewer")) === 0);
});
