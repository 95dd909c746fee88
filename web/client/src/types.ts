/** The contract's envelope: every message the server publishes. */
export interface Envelope<T = Record<string, unknown>> {
  id: string;
  type: string;
  channel: string;
  data: T;
  sender: { userId: string | null; deviceId: string | null };
  timestamp: string;
  seq: number;
}

export type Handler = (message: Envelope) => void;

export interface RealtimeOptions {
  /** Where the REST API is, e.g. "http://localhost:5000" ("" for the page's own origin). */
  baseUrl: string;
  /** The JWT for REST and MQTT; asked again before every (re)connect, so it may be refreshed. */
  getToken: () => string | Promise<string>;
  /** First reconnect delay ceiling in ms (doubles per attempt, full jitter). Default 1000. */
  reconnectInitialMs?: number;
  /** Largest reconnect delay ceiling in ms. Default 30000. */
  reconnectMaxMs?: number;
  /** Also follow every device's presence (`device_status`) and acknowledgements (`layout_ack`, admins) of the tenant. */
  watchDevices?: boolean;
}

export interface ConnectInfo {
  connectionId: string;
  channels: string[];
  mqtt: { webSocketUrl: string; tcpHost: string; tcpPort: number | null; username: string; topics: string[] };
}

export interface Status {
  totalConnections: number;
  channels: { channel: string; subscribers: number }[];
  devices: { online: number; offline: number };
  users: { userId: string; connections: number }[];
}

/** A REST failure, with the contract's error code and message. */
export class RealtimeError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}
