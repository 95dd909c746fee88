import { useCallback, useEffect, useRef, useState } from "react";
import { type AnyHandler, type ConnectionEvent, type Envelope, RealtimeClient, type RealtimeOptions } from "./index.js";

export * from "./index.js";

/**
 * The seed's hook: one client per component tree position, connected while mounted.
 * `on` handlers registered through the hook are removed on unmount.
 */
export function useWebSocket(options: RealtimeOptions & { deviceId?: string; channels?: string[]; autoConnect?: boolean }) {
  // Options are read at mount time: one client, connected once per mount.
  const [initial] = useState(options);
  const [client] = useState(() => new RealtimeClient(initial));
  const registered = useRef<[string, AnyHandler][]>([]);
  const [connected, setConnected] = useState(false);
  const [lastMessage, setLastMessage] = useState<Envelope | null>(null);

  useEffect(() => {
    const handlers = registered.current;
    const onConnection = (e: ConnectionEvent) => setConnected(e.data.connected);
    const onAny = (e: Envelope) => setLastMessage(e);
    client.on("connection", onConnection);
    client.on("*", onAny);
    if (initial.autoConnect !== false) client.connect(initial.deviceId, initial.channels).catch(() => setConnected(false));
    return () => {
      client.off("connection", onConnection);
      client.off("*", onAny);
      handlers.splice(0).forEach(([type, handler]) => client.off(type, handler));
      client.disconnect();
    };
  }, [client, initial]);

  const on = useCallback<RealtimeClient["on"]>(
    (type: string, handler: (event: never) => void) => {
      registered.current.push([type, handler]);
      client.on(type, handler);
    },
    [client],
  );
  const off = useCallback<RealtimeClient["off"]>((type: string, handler: (event: never) => void) => client.off(type, handler), [client]);

  return {
    connected,
    lastMessage,
    connect: (deviceId?: string, channels?: string[]) => client.connect(deviceId, channels),
    disconnect: () => client.disconnect(),
    send: (message: Parameters<RealtimeClient["send"]>[0]) => client.send(message),
    on,
    off,
    isConnected: () => client.isConnected(),
    sendLayoutUpdate: (...args: Parameters<RealtimeClient["sendLayoutUpdate"]>) => client.sendLayoutUpdate(...args),
    sendContentSync: (...args: Parameters<RealtimeClient["sendContentSync"]>) => client.sendContentSync(...args),
    getStatus: () => client.getStatus(),
    client,
  };
}
