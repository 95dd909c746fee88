import mqtt, { type MqttClient } from "mqtt";
import {
  type AnyHandler,
  type ApiError,
  type BroadcastRequest,
  type ConnectInfo,
  type ConnectionEvent,
  type Envelope,
  type EnvelopeData,
  type Handler,
  type PathsOf,
  type QueryOf,
  RealtimeError,
  type RealtimeOptions,
  type RequestBody,
  type ResponseData,
  type ResyncEvent,
  toEnvelope,
} from "./types.js";

export * from "./types.js";

/** Channels the server keeps history for: missed messages on these are recovered after a reconnect. */
const historyChannel = (channel: string) => !channel.startsWith("device:");

/**
 * The seed's client API over MQTT over WebSocket: `connect`, `on`/`off` by envelope type, `send`, layout and content
 * REST calls. Reconnects with backoff and a fresh token, subscribes again, and recovers what it missed through the
 * history route, so handlers see every message once, in order.
 */
export class RealtimeClient {
  private mqtt?: MqttClient;
  private info?: ConnectInfo;
  private readonly handlers = new Map<string, Set<AnyHandler>>();
  private readonly lastSeq = new Map<string, number>();
  private readonly seen = new Set<string>();
  /** Live messages that arrived while missed ones are being recovered (undefined when not recovering). */
  private held?: Envelope[];
  private attempts = 0;
  private closing = false;
  /** The one pending reconnect, if any: scheduled only by scheduleReconnect, cancelled by disconnect. */
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private connected = false;
  /**
   * Bumped by every connect() and disconnect(): an attempt started under an older generation (a connect still waiting
   * for its REST answer or CONNACK when disconnect() was called, as under React StrictMode's double mount) gives up
   * instead of leaving a second MQTT connection open.
   */
  private generation = 0;

  constructor(private readonly options: RealtimeOptions) {}

  /** Connects (as `deviceId` when given) and subscribes to `channels` (default: the caller's tenant and own channel). */
  async connect(deviceId?: string, channels?: string[]): Promise<void> {
    const generation = ++this.generation;
    this.closing = false;
    this.cancelReconnect();
    this.drop();
    const info = await this.post("/api/websocket/connect", { deviceId, channels });
    this.ensureCurrent(generation);
    this.info = info;
    try {
      await this.open(generation);
    } catch (error) {
      // The first connection failed after the server gave us a connection id: keep trying, as after a lost connection.
      if (generation === this.generation) {
        this.drop();
        this.scheduleReconnect();
      }
      throw error;
    }
  }

  /** Ends the connection and cancels any reconnect, scheduled or in progress; a connect() still under way gives up. */
  disconnect(): void {
    this.generation++;
    this.closing = true;
    this.cancelReconnect();
    this.drop();
    this.setConnected(false);
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** The MQTT client id of the current connection (what `POST /api/websocket/disconnect` names), once connected. */
  get connectionId(): string | undefined {
    return this.info?.connectionId;
  }

  /**
   * Handlers for an envelope type (typed by `EnvelopeData` for the contract's types); "*" receives every message,
   * "connection" gets {connected} changes, "resync" a gap. Returns a function that removes the handler (an effect's cleanup).
   */
  on(type: "connection", handler: (event: ConnectionEvent) => void): () => void;
  on(type: "resync", handler: (event: ResyncEvent) => void): () => void;
  on<K extends keyof EnvelopeData>(type: K, handler: (message: Envelope<EnvelopeData[K]>) => void): () => void;
  on<T = Record<string, unknown>>(type: string, handler: Handler<T>): () => void;
  on(type: string, handler: AnyHandler): () => void;
  on(type: string, handler: (event: never) => void): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler);
    return () => this.off(type, handler);
  }

  off(type: "connection", handler: (event: ConnectionEvent) => void): void;
  off(type: "resync", handler: (event: ResyncEvent) => void): void;
  off<K extends keyof EnvelopeData>(type: K, handler: (message: Envelope<EnvelopeData[K]>) => void): void;
  off<T = Record<string, unknown>>(type: string, handler: Handler<T>): void;
  off(type: string, handler: AnyHandler): void;
  off(type: string, handler: (event: never) => void): void {
    this.handlers.get(type)?.delete(handler);
  }

  send(message: BroadcastRequest) {
    return this.post("/api/websocket/broadcast", message);
  }

  sendLayoutUpdate(layoutId: string, deviceIds?: string[], layoutData?: Record<string, unknown>) {
    return this.post("/api/websocket/layout-update", { layoutId, deviceIds, layoutData });
  }

  sendContentSync(contentType: string, contentId: string, action: "create" | "update" | "delete", data: Record<string, unknown>) {
    return this.post("/api/websocket/content-sync", { contentType, contentId, action, data });
  }

  getStatus() {
    return this.get("/api/websocket/status");
  }

  /** Any authenticated GET of the REST API (e.g. "/api/devices"), typed by the OpenAPI document for its routes. */
  get<P extends PathsOf<"get">>(path: P, query?: QueryOf<P, "get">): Promise<ResponseData<P, "get">>;
  get<T>(path: string): Promise<T>;
  get(path: string, query?: Record<string, string>): Promise<unknown> {
    return this.rest("GET", query ? `${path}?${new URLSearchParams(query).toString()}` : path);
  }

  private post<P extends PathsOf<"post">>(path: P, body: RequestBody<P, "post">): Promise<ResponseData<P, "post">> {
    return this.rest("POST", path, body);
  }

  /**
   * One MQTT connection attempt. Rejects when it cannot be established (refused, closed before CONNACK, or given up
   * because disconnect() or a newer connect() came meanwhile); the caller alone decides whether to retry. Once it is
   * established, its `close` schedules the reconnect.
   */
  private async open(generation: number): Promise<void> {
    const info = this.info!;
    const token = await this.options.getToken();
    this.ensureCurrent(generation);
    const client = mqtt.connect(info.mqtt.webSocketUrl, {
      protocolVersion: 5,
      clientId: info.connectionId,
      username: info.mqtt.username,
      password: token,
      clean: true,
      reconnectPeriod: 0, // reconnects are ours: each needs a fresh token and a catch-up
      connectTimeout: 10_000,
      // Worker timers keep the keepalive going in a background tab; where there are no workers (jsdom), plain ones.
      timerVariant: typeof Worker === "undefined" ? "native" : "auto",
    });
    this.mqtt = client;
    let established = false;
    client.on("message", (topic, payload) => {
      if (this.mqtt === client) this.receive(topic, payload);
    });
    client.on("close", () => {
      if (this.mqtt !== client || !established) return; // an attempt that failed: its caller retries
      this.mqtt = undefined;
      this.setConnected(false);
      this.scheduleReconnect();
    });
    client.on("error", (error) => this.debug("mqtt error", error.message));
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => {
        this.subscribe(client, generation).then(resolve, reject);
      });
      client.once("error", reject);
      client.once("close", () => reject(new Error("the connection closed before it was established")));
    });
    established = true;
    if (this.mqtt !== client) {
      // Dropped while subscribing or recovering (disconnect(), or a newer connect()): its close came too early to count.
      client.end(true);
      throw new RealtimeError(0, "aborted", "disconnect() was called while connecting");
    }

    this.setConnected(true);
  }

  /**
   * Once connected: the topics, then (after a reconnect) what was missed, then "connected". Messages that arrive live
   * while the missed ones are fetched are held and handed on after them, so handlers see each channel in order.
   */
  private async subscribe(client: MqttClient, generation: number): Promise<void> {
    const recovering = this.attempts > 0 || this.lastSeq.size > 0;
    this.held = recovering ? [] : undefined;
    try {
      await client.subscribeAsync(this.topics(), { qos: 1 });
      this.ensureCurrent(generation);
      this.attempts = 0;
      if (recovering) await this.recover();
    } finally {
      const held = this.held ?? [];
      this.held = undefined;
      held.forEach((envelope) => this.dispatch(envelope));
    }
  }

  private topics(): string[] {
    const topics = [...this.info!.mqtt.topics];
    const tenant = topics.find((t) => t.endsWith("/broadcast"))?.split("/")[1];
    if (this.options.watchDevices && tenant) {
      // Layouts and acks: admins (and a device's owners) only; the broker refuses those filters to others, harmlessly.
      topics.push(`cw/${tenant}/devices/+/status`, `cw/${tenant}/devices/+/layout`, `cw/${tenant}/devices/+/ack`);
    }

    return topics;
  }

  /**
   * The only place a reconnect is scheduled, and at most one at a time: by the `close` of an established connection,
   * or after a failed attempt (whose own `close` is ignored). disconnect() cancels it.
   */
  private scheduleReconnect() {
    if (this.closing || this.reconnectTimer !== undefined) return;
    const generation = this.generation;
    const initial = this.options.reconnectInitialMs ?? 1000;
    const max = this.options.reconnectMaxMs ?? 30_000;
    const delay = Math.random() * Math.min(max, initial * 2 ** Math.min(this.attempts++, 30));
    this.debug("reconnecting in", Math.round(delay), "ms");
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (generation !== this.generation) return;
      this.open(generation).catch((error: unknown) => {
        this.debug("reconnect failed", String(error));
        if (generation !== this.generation) return; // disconnect() or connect() took over
        this.drop();
        this.scheduleReconnect();
      });
    }, delay);
  }

  private cancelReconnect() {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  /** Forgets the current MQTT client, then ends it: its `close` no longer counts. */
  private drop() {
    const client = this.mqtt;
    this.mqtt = undefined;
    client?.end(true);
  }

  private ensureCurrent(generation: number) {
    if (generation !== this.generation) throw new RealtimeError(0, "aborted", "disconnect() was called while connecting");
  }

  /** After a reconnect: what each history channel published since the last message seen, in order, once. */
  private async recover(): Promise<void> {
    for (const channel of this.info!.channels.filter(historyChannel)) {
      const since = this.lastSeq.get(channel) ?? 0;
      try {
        const page = await this.get("/api/websocket/history", { channel, since: String(since) });
        for (const message of page.messages) {
          const envelope = toEnvelope(message);
          if (envelope) this.dispatch(envelope);
        }
      } catch (error) {
        if (error instanceof RealtimeError && error.status === 410) {
          this.emit("resync", { type: "resync", channel, data: { since } });
        } else {
          this.debug("recovery failed for", channel, String(error));
        }
      }
    }
  }

  private receive(topic: string, payload: Uint8Array) {
    let envelope: Envelope | undefined;
    try {
      envelope = toEnvelope(JSON.parse(new TextDecoder().decode(payload)));
    } catch {
      envelope = undefined;
    }

    if (!envelope) {
      this.debug("not an envelope on", topic);
      return;
    }

    if (this.held) this.held.push(envelope);
    else this.dispatch(envelope);
  }

  private dispatch(envelope: Envelope) {
    if (envelope.id) {
      if (this.seen.has(envelope.id + "/" + envelope.channel)) return; // a message recovered and also received live
      this.seen.add(envelope.id + "/" + envelope.channel);
      if (this.seen.size > 5000) this.seen.delete(this.seen.values().next().value!);
    }

    if (envelope.seq > 0 && envelope.channel) {
      this.lastSeq.set(envelope.channel, Math.max(envelope.seq, this.lastSeq.get(envelope.channel) ?? 0));
    }

    this.debug("message", envelope.type, envelope.channel, envelope.seq);
    this.emit(envelope.type, envelope);
    this.emit("*", envelope);
  }

  private emit(type: string, event: Envelope | ConnectionEvent | ResyncEvent) {
    this.handlers.get(type)?.forEach((handler) => {
      try {
        handler(event);
      } catch (error) {
        this.debug("handler failed", String(error));
      }
    });
  }

  private setConnected(connected: boolean) {
    if (this.connected === connected) return;
    this.connected = connected;
    this.emit("connection", { type: "connection", data: { connected } });
  }

  private async rest<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.options.baseUrl + path, {
      method,
      headers: { Authorization: `Bearer ${await this.options.getToken()}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await response.json().catch(() => ({}))) as Partial<ApiError> & { data?: unknown };
    if (!response.ok || json.success === false) {
      throw new RealtimeError(response.status, json.error?.code ?? "error", json.error?.message ?? response.statusText);
    }

    return json.data as T;
  }

  private debug(...args: unknown[]) {
    if (typeof localStorage !== "undefined" && localStorage.getItem("websocket_debug") === "true") {
      console.debug("[creatiwall]", ...args);
    }
  }
}
