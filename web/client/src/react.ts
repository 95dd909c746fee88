import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { type AnyHandler, type ConnectionEvent, type Envelope, RealtimeClient, type RealtimeOptions } from "./index.js";

export * from "./index.js";

/**
 * The seed's hook: one client per component tree position, connected while mounted (under StrictMode's mount, unmount
 * and mount again, one MQTT connection: the first connect gives up when the unmount disconnects).
 * It re-renders its component only when the connection goes up or down, never per message: handlers registered with
 * `on` receive messages (return its result from an effect to remove the handler; all are removed on unmount), and
 * `useLastMessage(client)` re-renders with the latest message where that is wanted.
 */
export function useWebSocket(options: RealtimeOptions & { deviceId?: string; channels?: string[]; autoConnect?: boolean }) {
  // Options are read at mount time: one client, connected once per mount.
  const [initial] = useState(options);
  const [client] = useState(() => new RealtimeClient(initial));
  const registered = useRef<[string, AnyHandler][]>([]);
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    const handlers = registered.current;
    const offConnection = client.on("connection", (e: ConnectionEvent) => setConnected(e.data.connected));
    if (initial.autoConnect !== false) {
      // A connect abandoned by the unmount (StrictMode) rejects; the "connection" events tell the state.
      client.connect(initial.deviceId, initial.channels).catch(() => setConnected(client.isConnected()));
    }

    return () => {
      offConnection();
      handlers.splice(0).forEach(([type, handler]) => client.off(type, handler));
      client.disconnect();
    };
  }, [client, initial]);

  const on = useCallback<RealtimeClient["on"]>(
    (type: string, handler: (event: never) => void) => {
      const entry: [string, AnyHandler] = [type, handler];
      registered.current.push(entry);
      client.on(type, handler);
      return () => {
        client.off(type, handler);
        const at = registered.current.indexOf(entry);
        if (at >= 0) registered.current.splice(at, 1);
      };
    },
    [client],
  );
  const off = useCallback<RealtimeClient["off"]>((type: string, handler: (event: never) => void) => client.off(type, handler), [client]);

  return useMemo(
    () => ({
      connected,
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
    }),
    [client, connected, on, off],
  );
}

/** The latest message of a type ("*": any) the client received; re-renders its component on each one. */
export function useLastMessage(client: RealtimeClient, type = "*"): Envelope | null {
  const last = useRef<Envelope | null>(null);
  const subscribe = useCallback(
    (changed: () => void) =>
      client.on(type, (message: Envelope) => {
        last.current = message;
        changed();
      }),
    [client, type],
  );
  return useSyncExternalStore(
    subscribe,
    () => last.current,
    () => null,
  );
}
