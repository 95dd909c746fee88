import { useCallback, useEffect, useRef, useState } from "react";
import { type Envelope, type Handler, RealtimeClient, type RealtimeOptions } from "./index.js";

export * from "./index.js";

/**
 * The seed's hook: one client per component tree position, connected while mounted.
 * `on` handlers registered through the hook are removed on unmount.
 */
export function useWebSocket(options: RealtimeOptions & { deviceId?: string; channels?: string[]; autoConnect?: boolean }) {
  const client = useRef<RealtimeClient>(null as unknown as RealtimeClient);
  if (!client.current) client.current = new RealtimeClient(options);
  const [connected, setConnected] = useState(false);
  const [lastMessage, setLastMessage] = useState<Envelope | null>(null);
  const registered = useRef<[string, Handler][]>([]);

  useEffect(() => {
    const c = client.current;
    const onConnection: Handler = (e) => setConnected(Boolean((e.data as { connected?: boolean }).connected));
    const onAny: Handler = (e) => setLastMessage(e);
    c.on("connection", onConnection);
    c.on("*", onAny);
    if (options.autoConnect !== false) c.connect(options.deviceId, options.channels).catch(() => setConnected(false));
    return () => {
      c.off("connection", onConnection);
      c.off("*", onAny);
      registered.current.forEach(([type, handler]) => c.off(type, handler));
      c.disconnect();
    };
    // Connect once per mount; options are read at mount time.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const on = useCallback((type: string, handler: Handler) => {
    registered.current.push([type, handler]);
    client.current.on(type, handler);
  }, []);
  const off = useCallback((type: string, handler: Handler) => client.current.off(type, handler), []);

  return {
    connected,
    lastMessage,
    connect: (deviceId?: string, channels?: string[]) => client.current.connect(deviceId, channels),
    disconnect: () => client.current.disconnect(),
    send: (message: Parameters<RealtimeClient["send"]>[0]) => client.current.send(message),
    on,
    off,
    isConnected: () => client.current.isConnected(),
    sendLayoutUpdate: (...args: Parameters<RealtimeClient["sendLayoutUpdate"]>) => client.current.sendLayoutUpdate(...args),
    sendContentSync: (...args: Parameters<RealtimeClient["sendContentSync"]>) => client.current.sendContentSync(...args),
    getStatus: () => client.current.getStatus(),
    client: client.current,
  };
}
