import { memo, useCallback, useDeferredValue, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { RealtimeError } from "@creatiwall/realtime";
import { useWebSocket } from "@creatiwall/realtime/react";
import { Charts } from "./Charts";
import { Delivery, type Push } from "./Delivery";
import { type Filters, FleetStore, noFilters, view } from "./fleet";
import { FleetList } from "./FleetList";
import { FiltersBar, Summary } from "./Filters";
import { PushPanel } from "./PushPanel";
import { ScreenDetail } from "./ScreenDetail";

const LiveCharts = memo(Charts);

/** The page size asked of GET /api/devices: the largest the route gives (10 requests for 10,000 screens). */
const PAGE = 1000;

/**
 * The fleet: the list read once through the paged REST route, then kept live by MQTT only (presence, layouts and acks;
 * retained statuses and layouts arrive again after every reconnect, and the list is read once more for acks missed
 * meanwhile). What is on screen stays while the connection is away.
 */
export function Dashboard({ token, onSignOut }: { token: string; onSignOut: () => void }) {
  const rt = useWebSocket({ baseUrl: "", getToken: () => token, watchDevices: true });
  const { client, on, connected } = rt;
  const [store] = useState(() => new FleetStore());
  const screens = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [loaded, setLoaded] = useState<{ count: number; done: boolean; ms: number | null }>({ count: 0, done: false, ms: null });
  const [error, setError] = useState<string | null>(null);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const deferredFilters = useDeferredValue(filters);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [openId, setOpenId] = useState<string | null>(null);
  const [reads, setReads] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [pushes, setPushes] = useState<Push[]>([]);
  const [shownPush, setShownPush] = useState<string | null>(null);

  // The list, a page at a time (each page shown as it comes); read again after a reconnect.
  useEffect(() => {
    let stopped = false;
    const started = performance.now();
    (async () => {
      let cursor: string | undefined;
      let count = 0;
      do {
        const page = await client.get("/api/devices", cursor ? { limit: PAGE, cursor } : { limit: PAGE });
        if (stopped) return;
        store.addFromRest(page.devices);
        count += page.devices.length;
        cursor = page.nextCursor ?? undefined;
        setLoaded({ count, done: !cursor, ms: cursor ? null : Math.round(performance.now() - started) });
      } while (cursor);
      setError(null);
    })().catch((e: unknown) => {
      if (!stopped) setError(e instanceof RealtimeError && e.status === 401 ? "The token was refused: sign in again." : String(e));
    });
    return () => {
      stopped = true;
    };
  }, [client, store, reads]);

  useEffect(() => {
    const offs = [
      on("device_status", (e) => store.status(e)),
      on("layout_update", (e) => store.layout(e)),
      on("layout_ack", (e) => store.ack(e)),
    ];
    let connectedBefore = false;
    offs.push(
      on("connection", (e) => {
        if (!e.data.connected) return;
        if (connectedBefore) setReads((n) => n + 1); // a reconnect: acks missed meanwhile are in the list
        connectedBefore = true;
      }),
    );
    return () => offs.forEach((off) => off());
  }, [on, store]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);

  const fleet = useMemo(() => view(screens, deferredFilters), [screens, deferredFilters]);
  const toggle = useCallback(
    (id: string, on: boolean) =>
      setSelected((current) => {
        const next = new Set(current);
        if (on) next.add(id);
        else next.delete(id);
        return next;
      }),
    [],
  );
  const openScreen = useCallback((id: string) => setOpenId((current) => (current === id ? null : id)), []);
  const closeScreen = useCallback(() => {
    setOpenId((id) => {
      // Back to the row it was opened from, when it is still in view.
      if (id) setTimeout(() => document.querySelector<HTMLButtonElement>(`[data-device-id="${CSS.escape(id)}"] button.open`)?.focus());
      return null;
    });
  }, []);
  const detail = openId ? screens.find((s) => s.id === openId) : undefined;

  return (
    <div className="app" data-loaded={loaded.done} data-total={fleet.total}>
      <header className="top">
        <h1>CreatiWall · fleet</h1>
        <span
          className={`link ${connected ? "up" : "down"}`}
          data-connected={connected}
          data-connection-id={client.connectionId ?? ""}
          role="status"
        >
          {connected ? "live" : "reconnecting…"}
        </span>
        <span className="loading" aria-live="polite">
          {loaded.done
            ? `list of ${loaded.count.toLocaleString()} read in ${loaded.ms} ms`
            : `loading screens… ${loaded.count.toLocaleString()}`}
        </span>
        <button className="quiet" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <main className="layout">
        <section className="fleet" aria-labelledby="fleet-title">
          <h2 id="fleet-title" className="visually-hidden">
            Screens
          </h2>
          <Summary fleet={fleet} filters={filters} setFilters={setFilters} />
          <FiltersBar fleet={fleet} filters={filters} setFilters={setFilters} />
          <FleetList rows={fleet.rows} selected={selected} onToggle={toggle} onOpen={openScreen} openId={openId} now={now} />
        </section>
        <aside className="side">
          {detail && (
            <ScreenDetail
              client={client}
              store={store}
              screen={detail}
              now={now}
              onClose={closeScreen}
              onSelect={(id) => toggle(id, true)}
            />
          )}
          {pushes.length > 1 && (
            <label className="pushes">
              <span>Follow the delivery of</span>
              <select value={shownPush ?? ""} onChange={(e) => setShownPush(e.target.value)}>
                {pushes.map((p) => (
                  <option key={p.messageId} value={p.messageId}>
                    {p.layoutId} ({p.count.toLocaleString()} screens, {p.messageId.slice(0, 6)})
                  </option>
                ))}
              </select>
            </label>
          )}
          {pushes
            .filter((p) => p.messageId === shownPush)
            .map((p) => (
              <Delivery key={p.messageId} client={client} push={p} />
            ))}
          <PushPanel
            client={client}
            selected={selected}
            shown={fleet.rows}
            tags={fleet.tags}
            total={fleet.total}
            send={rt.sendLayoutUpdate}
            onSent={(layoutId, messageId, ids) => {
              store.pushed(layoutId, messageId, ids);
              setPushes((list) => [{ messageId, layoutId, count: ids.length }, ...list].slice(0, 10));
              setShownPush(messageId);
            }}
            onClearSelection={() => setSelected(new Set())}
          />
          <LiveCharts client={client} onlineNow={fleet.online} />
        </aside>
      </main>
    </div>
  );
}
