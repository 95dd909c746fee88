import type { components, paths } from "./generated/api.js";

/**
 * The REST API's request and response bodies, generated at build time from the OpenAPI document the host serves at
 * `/openapi/v1.json` (see scripts/generate-api.mjs). `paths` describes every route.
 */
export type Schemas = components["schemas"];
export type { paths };

/** What `POST /api/websocket/connect` answers: the client id, channels, MQTT URLs, username and topics. */
export type ConnectInfo = Schemas["ConnectResponse"];
/** What `GET /api/websocket/status` answers. */
export type Status = Schemas["StatusResponse"];
/** A device as `GET /api/devices` lists it. */
export type DeviceView = Schemas["DeviceView"];
/** What `send` publishes: the envelope's type and data, and where (default: the caller's tenant). */
export type BroadcastRequest = Schemas["BroadcastRequest"];
export type BroadcastResponse = Schemas["BroadcastResponse"];
export type LayoutUpdateResponse = Schemas["LayoutUpdateResponse"];
/** What `GET /api/layout-updates/{messageId}` answers: each device's delivery state. */
export type LayoutUpdateView = Schemas["LayoutUpdateView"];
export type DeliveryView = Schemas["DeliveryView"];
/** What `GET /api/activity` answers: the tenant's last hour, a point a minute, and the minute under way. */
export type ActivityView = Schemas["ActivityView"];
export type ActivityPoint = Schemas["ActivityPoint"];
/** The contract's error body: `{"success": false, "error": {"code", "message"}}`. */
export type ApiError = Schemas["ApiError"];

type Method = "get" | "post";
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
/** The routes that answer `method`. */
export type PathsOf<M extends Method> = { [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never }[keyof paths];
/** The `data` of a route's successful answer (`{"success": true, "data": ...}`). */
export type ResponseData<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: { 200: { content: { "application/json": { data: infer D } } } } } ? NonNullable<D> : never;
/** The JSON body a route takes. */
export type RequestBody<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody: { content: { "application/json": infer B } } } ? B : undefined;
/** The query parameters a route takes. */
export type QueryOf<P extends keyof paths, M extends Method> = Operation<P, M> extends { parameters: { query?: infer Q } } ? Q : never;

/**
 * The contract's envelope: every message the server publishes (MQTT payloads and `GET /api/websocket/history`).
 * It travels over MQTT, so it is written here rather than generated from the REST document.
 */
export interface Envelope<T = Record<string, unknown>> {
  id: string;
  type: string;
  channel: string;
  data: T;
  sender: { userId: string | null; deviceId: string | null };
  timestamp: string;
  seq: number;
}

/** `device_status`: the server's retained presence of a device (`cw/t/devices/d/status`). */
export type DeviceStatusData = {
  deviceId: string;
  status: "online" | "offline";
  since: string;
  reason: string | null;
};

/** `layout_update`: a layout pushed to a device (`cw/t/devices/d/layout`, retained). */
export type LayoutUpdateData = { layoutId: string; layoutData: Record<string, unknown> };

/** `layout_ack`: a device's answer to a layout update (`cw/t/devices/d/ack`; admins see them). */
export type LayoutAckData = { messageId: string | null; layoutId: string | null; status: "applied" | "failed"; error: string | null };

/** `content_sync`: content of the tenant was created, updated or deleted (`cw/t/content`). */
export type ContentSyncData = {
  contentType: string;
  contentId: string;
  action: "create" | "update" | "delete";
  data: Record<string, unknown>;
};

/** The `data` of the envelope types the server and devices publish; `on(type, handler)` types its handler by these. */
export interface EnvelopeData {
  device_status: DeviceStatusData;
  layout_update: LayoutUpdateData;
  layout_ack: LayoutAckData;
  content_sync: ContentSyncData;
}

/** What the client tells `"connection"` handlers when it connects or loses the connection. */
export interface ConnectionEvent {
  type: "connection";
  data: { connected: boolean };
}

/** What the client tells `"resync"` handlers when history no longer covers what a channel missed (410 Gone). */
export interface ResyncEvent {
  type: "resync";
  channel: string;
  data: { since: number };
}

export type Handler<T = Record<string, unknown>> = (message: Envelope<T>) => void;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const optional = (value: unknown, type: "string" | "number") => value === undefined || value === null || typeof value === type;

/**
 * What arrived over MQTT or from the history route, checked to be an envelope (a `type` string, an object `data`, and
 * `id`, `channel`, `seq`, `timestamp` of the right kind where present), or undefined. Handlers only ever see these.
 */
export function toEnvelope(value: unknown): Envelope | undefined {
  if (!isObject(value) || typeof value.type !== "string" || value.type === "") return undefined;
  if (!(value.data === undefined || value.data === null || isObject(value.data))) return undefined;
  if (!optional(value.id, "string") || !optional(value.channel, "string") || !optional(value.timestamp, "string")) return undefined;
  if (!optional(value.seq, "number")) return undefined;
  const sender = isObject(value.sender) ? value.sender : {};
  return {
    id: typeof value.id === "string" ? value.id : "",
    type: value.type,
    channel: typeof value.channel === "string" ? value.channel : "",
    data: isObject(value.data) ? value.data : {},
    sender: {
      userId: typeof sender.userId === "string" ? sender.userId : null,
      deviceId: typeof sender.deviceId === "string" ? sender.deviceId : null,
    },
    timestamp: typeof value.timestamp === "string" ? value.timestamp : "",
    seq: typeof value.seq === "number" ? value.seq : 0,
  };
}

/**
 * A handler of any of the events `on` hands out. A method type, so that a handler of one of them (a `ConnectionEvent`,
 * an `Envelope<DeviceStatusData>`) is one of these: the client calls each only with what it was registered for.
 */
export type AnyHandler = { handle(event: Envelope | ConnectionEvent | ResyncEvent): void }["handle"];

export interface RealtimeOptions {
  /** Where the REST API is, e.g. "http://localhost:5000" ("" for the page's own origin). */
  baseUrl: string;
  /** The JWT for REST and MQTT; asked again before every (re)connect, so it may be refreshed. */
  getToken: () => string | Promise<string>;
  /** First reconnect delay ceiling in ms (doubles per attempt, full jitter). Default 1000. */
  reconnectInitialMs?: number;
  /** Largest reconnect delay ceiling in ms. Default 30000. */
  reconnectMaxMs?: number;
  /**
   * Also follow every device's presence (`device_status`, retained), and for admins its current layout (`layout_update`,
   * retained) and acknowledgements (`layout_ack`) of the tenant: after every (re)connect the retained ones arrive again.
   */
  watchDevices?: boolean;
}

/** A REST failure, with the contract's error code and message. */
export class RealtimeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
