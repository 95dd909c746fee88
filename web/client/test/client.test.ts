import { afterEach, describe, expect, inject, it } from "vitest";
import { type Envelope, RealtimeClient, RealtimeError } from "../src/index.js";
import { tenant, token } from "./tokens.js";

const baseUrl = inject("baseUrl");
const secret = inject("secret");
const clients: RealtimeClient[] = [];

function client(jwt: string | (() => string)) {
  const c = new RealtimeClient({
    baseUrl,
    getToken: typeof jwt === "string" ? () => jwt : jwt,
    reconnectInitialMs: 50,
    reconnectMaxMs: 200,
  });
  clients.push(c);
  return c;
}

function until(condition: () => boolean, ms = 10_000) {
  return new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (condition()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(timer);
        reject(new Error("timed out"));
      }
    }, 10);
  });
}

afterEach(() => clients.splice(0).forEach((c) => c.disconnect()));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An admin of the tenant ends the client's connection (POST /api/websocket/disconnect). */
async function kick(t: string, victim: RealtimeClient) {
  const response = await fetch(`${baseUrl}/api/websocket/disconnect`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token(secret, { tenant: t, sub: "root", role: "admin" })}`, "Content-Type": "application/json" },
    body: JSON.stringify({ connectionId: victim.connectionId }),
  });
  expect(response.status).toBe(200);
}

describe("RealtimeClient", () => {
  it("dispatches envelopes by type to on() handlers, and off() stops them", async () => {
    const t = tenant();
    const bob = client(token(secret, { tenant: t, sub: "bob" }));
    const notes: Envelope[] = [];
    const all: string[] = [];
    const onNote = (e: Envelope) => notes.push(e);
    bob.on("notification", onNote);
    bob.on("*", (e) => all.push(e.type));
    await bob.connect();
    expect(bob.isConnected()).toBe(true);

    const alice = client(token(secret, { tenant: t, sub: "alice" }));
    const sent = await alice.send({ type: "notification", data: { text: "hello" } });
    await alice.send({ type: "ticker", data: { text: "news" } });
    await until(() => all.length === 2);

    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      id: sent.messageId,
      type: "notification",
      channel: `tenant:${t}`,
      data: { text: "hello" },
      seq: sent.seq,
    });
    expect(notes[0].sender.userId).toBe("alice");
    expect(all).toEqual(["notification", "ticker"]);

    bob.off("notification", onNote);
    await alice.send({ type: "notification", data: { text: "unheard" } });
    await until(() => all.length === 3);
    expect(notes).toHaveLength(1);
  });

  it("reconnects with a fresh token and recovers what it missed, once and in order", async () => {
    const t = tenant();
    let tokensAsked = 0;
    const bob = client(() => {
      tokensAsked++;
      return token(secret, { tenant: t, sub: "bob" });
    });
    const seen: number[] = [];
    bob.on<{ n: number }>("note", (e) => seen.push(e.data.n));
    await bob.connect(undefined, [`tenant:${t}`]);
    const admin = client(token(secret, { tenant: t, sub: "root", role: "admin" }));
    await admin.send({ type: "note", data: { n: 1 } });
    await until(() => seen.length === 1);
    const asked = tokensAsked;

    // The server ends bob's connection; messages go out while he is away.
    const status = await admin.getStatus();
    expect(status.users.map((u) => u.userId)).toContain("bob");
    const kicked = new Promise<void>((resolve) => bob.on("connection", (e) => !e.data.connected && resolve()));
    await kick(t, bob);
    await kicked;
    for (const n of [2, 3, 4]) await admin.send({ type: "note", data: { n } });

    await until(() => seen.length >= 4 && bob.isConnected());
    await admin.send({ type: "note", data: { n: 5 } });
    await until(() => seen.length >= 5);

    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(tokensAsked).toBeGreaterThan(asked);
  });

  it("calls the REST routes and reports refusals with the contract's codes", async () => {
    const t = tenant();
    const editor = client(token(secret, { tenant: t, sub: "editor", devices: ["screen-1"] }));
    const update = await editor.sendLayoutUpdate("spring", ["screen-1"], { zones: 1 });
    expect(update.devices).toEqual(["screen-1"]);
    const sync = await editor.sendContentSync("image", "logo", "update", { url: "x" });
    expect(sync.topic).toBe(`cw/${t}/content`);

    const refused = await editor.sendLayoutUpdate("spring", ["screen-2"]).catch((e) => e);
    expect(refused).toBeInstanceOf(RealtimeError);
    expect(refused).toMatchObject({ status: 403, code: "forbidden" });
    const bad = await editor.sendContentSync("image", "logo", "rename" as "create", {}).catch((e) => e);
    expect(bad).toMatchObject({ status: 400 });
    expect(bad.message).toContain("action");
  });

  it("connects as a device it owns and receives its retained layout", async () => {
    const t = tenant();
    const jwt = token(secret, { tenant: t, sub: "editor", devices: ["screen-1"] });
    const editor = client(jwt);
    await editor.sendLayoutUpdate("autumn", ["screen-1"]);
    const layouts: Envelope[] = [];
    const screen = client(jwt);
    screen.on("layout_update", (e) => layouts.push(e));

    await screen.connect("screen-1");

    await until(() => layouts.length === 1);
    expect(layouts[0].data).toMatchObject({ layoutId: "autumn" });
  });

  it("schedules one reconnect at a time while they fail, and disconnect() cancels it", async () => {
    const t = tenant();
    let refused = false;
    let attempts = 0;
    // After the kick every reconnect is refused (a token signed with another secret): each failure schedules the next.
    const bob = client(() => {
      attempts++;
      return token(refused ? "another-secret-0123456789abcdef-0123456789" : secret, { tenant: t, sub: "bob" });
    });
    await bob.connect(undefined, [`tenant:${t}`]);
    refused = true;
    await kick(t, bob);
    await until(() => attempts >= 4);

    // Backoff of at most 200 ms with one chain of attempts: about ten a second. Two timers per failure double it each time.
    const before = attempts;
    await sleep(1000);
    expect(attempts - before).toBeLessThan(25);

    bob.disconnect();
    const stopped = attempts;
    await sleep(1000);
    expect(attempts).toBe(stopped);
    expect(bob.isConnected()).toBe(false);
  });

  it("validates what it receives: a payload that is not an envelope never reaches a handler", async () => {
    const t = tenant();
    const bob = client(token(secret, { tenant: t, sub: "bob" }));
    const all: Envelope[] = [];
    bob.on("*", (e) => all.push(e));
    await bob.connect(undefined, [`tenant:${t}`]);
    // A user may publish raw payloads on the broadcast topic over MQTT; the client hands on only envelopes.
    const { default: mqtt } = await import("mqtt");
    const raw = await mqtt.connectAsync(`${baseUrl.replace("http", "ws")}/mqtt`, {
      protocolVersion: 5,
      username: "alice",
      password: token(secret, { tenant: t, sub: "alice" }),
      reconnectPeriod: 0,
    });
    try {
      await raw.publishAsync(`cw/${t}/broadcast`, "not json", { qos: 1 });
      await raw.publishAsync(`cw/${t}/broadcast`, JSON.stringify({ type: 42, data: {} }), { qos: 1 });
      await raw.publishAsync(`cw/${t}/broadcast`, JSON.stringify({ type: "note", data: "text" }), { qos: 1 });
      await raw.publishAsync(`cw/${t}/broadcast`, JSON.stringify({ type: "note", data: { n: 1 } }), { qos: 1 });
      await until(() => all.length >= 1);
      await sleep(200);
    } finally {
      await raw.endAsync();
    }

    expect(all.map((e) => [e.type, e.data])).toEqual([["note", { n: 1 }]]);
    expect(all[0].sender).toEqual({ userId: null, deviceId: null });
  });
});
