import { useEffect, useMemo, useState } from "react";
import { type DeviceView, type Envelope, type LayoutUpdateResponse, RealtimeError, type Status } from "@creatiwall/realtime";
import { useWebSocket } from "@creatiwall/realtime/react";

/** A screen as `GET /api/devices` lists it, kept up to date by its presence and acks (and the layouts pushed here). */
type Device = Omit<DeviceView, "tenant" | "currentLayout"> & { currentLayout: { layoutId: string | null } | null };

const time = (iso: string) => new Date(iso).toLocaleTimeString();

export function Dashboard({ token, onSignOut }: { token: string; onSignOut: () => void }) {
  const rt = useWebSocket({ baseUrl: "", getToken: () => token, watchDevices: true });
  const { client, on } = rt;
  const [devices, setDevices] = useState<Map<string, Device>>(new Map());
  const [status, setStatus] = useState<Status | null>(null);
  const [log, setLog] = useState<Envelope[]>([]);
  const [rate, setRate] = useState(0);
  const [error, setError] = useState<string | null>(null);

  // The device list (layouts, acks) from REST, refreshed; presence changes arrive live over MQTT.
  useEffect(() => {
    let stopped = false;
    // GET /api/devices answers in pages: follow nextCursor to the last one.
    const allDevices = async () => {
      const devices: DeviceView[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.get("/api/devices", cursor ? { limit: 1000, cursor } : { limit: 1000 });
        devices.push(...page.devices);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && !stopped);
      return devices;
    };
    const refresh = async () => {
      try {
        const [list, figures] = await Promise.all([allDevices(), client.getStatus()]);
        if (stopped) return;
        setDevices((current) => {
          const next = new Map(current);
          for (const d of list) next.set(d.id, { ...next.get(d.id), ...d, status: next.get(d.id)?.status ?? d.status });
          return next;
        });
        setStatus(figures);
        setError(null);
      } catch (e) {
        setError(e instanceof RealtimeError && e.status === 401 ? "The token was refused: sign in again." : String(e));
      }
    };
    void refresh();
    const timer = setInterval(() => void refresh(), 3000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [client]);

  useEffect(() => {
    let count = 0;
    on("device_status", ({ data: d }) => {
      setDevices((current) => {
        const next = new Map(current);
        const known = next.get(d.deviceId);
        next.set(d.deviceId, {
          currentLayout: null,
          lastAcknowledgedLayout: null,
          name: null,
          tags: [],
          location: null,
          ...known,
          id: d.deviceId,
          status: d.status,
          since: d.since,
          reason: d.reason,
        });
        return next;
      });
    });
    on("layout_ack", (e) => {
      const device = e.sender?.deviceId ?? e.channel?.replace("device:", "");
      const d = e.data;
      setDevices((current) => {
        const next = new Map(current);
        const known = next.get(device);
        if (known) next.set(device, { ...known, lastAcknowledgedLayout: { layoutId: d.layoutId, status: d.status } });
        return next;
      });
    });
    on("*", (e) => {
      count++;
      setLog((current) => [e, ...current].slice(0, 50));
    });
    const timer = setInterval(() => {
      setRate(count / 5);
      count = 0;
    }, 5000);
    return () => clearInterval(timer);
  }, [on]);

  const sorted = useMemo(() => [...devices.values()].sort((a, b) => a.id.localeCompare(b.id)), [devices]);
  const online = sorted.filter((d) => d.status === "online").length;

  return (
    <main className="dashboard">
      <header>
        <h1>CreatiWall · live operations</h1>
        <span className={`link ${rt.connected ? "up" : "down"}`} data-connected={rt.connected}>
          {rt.connected ? "live" : "reconnecting…"}
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

      <section className="figures">
        <Figure label="screens online" value={`${online} / ${sorted.length}`} />
        <Figure label="connections" value={status?.totalConnections ?? "–"} />
        <Figure label="people connected" value={status?.users.length ?? "–"} />
        <Figure label="messages / s" value={rate.toFixed(1)} />
      </section>

      <section>
        <h2>Screens</h2>
        <ul className="devices">
          {sorted.map((d) => (
            <li key={d.id} className={`device ${d.status}`} data-device-id={d.id} data-status={d.status}>
              <span className="dot" aria-hidden />
              <strong>{d.id}</strong>
              {d.name && <span className="name">{d.name}</span>}
              <span className="state">
                {d.status}
                {d.reason ? ` · ${d.reason}` : ""}
              </span>
              <span className="since">since {time(d.since)}</span>
              <span className="layout">layout: {d.currentLayout?.layoutId ?? "—"}</span>
              <span className="ack" data-ack={d.lastAcknowledgedLayout?.status ?? ""}>
                applied: {d.lastAcknowledgedLayout ? `${d.lastAcknowledgedLayout.layoutId} (${d.lastAcknowledgedLayout.status})` : "—"}
              </span>
            </li>
          ))}
          {sorted.length === 0 && <li className="empty">No screens yet: start a DeviceAgent.</li>}
        </ul>
      </section>

      <div className="columns">
        <LayoutForm
          devices={sorted.map((d) => d.id)}
          send={rt.sendLayoutUpdate}
          onSent={(layoutId, ids) =>
            setDevices((current) => {
              const next = new Map(current);
              for (const id of ids) {
                const known = next.get(id);
                if (known) next.set(id, { ...known, currentLayout: { layoutId } });
              }
              return next;
            })
          }
        />
        <section>
          <h2>Live messages</h2>
          <ol className="log">
            {log.map((e, i) => (
              <li key={`${e.id}-${e.channel}-${i}`}>
                <time>{e.timestamp ? time(e.timestamp) : ""}</time> <code>{e.type}</code> <span>{e.channel}</span>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </main>
  );
}

function Figure({ label, value }: { label: string; value: string | number }) {
  return (
    <div className="figure">
      <span className="value">{value}</span>
      <span className="label">{label}</span>
    </div>
  );
}

function LayoutForm({
  devices,
  send,
  onSent,
}: {
  devices: string[];
  send: (layoutId: string, deviceIds?: string[]) => Promise<LayoutUpdateResponse>;
  onSent: (layoutId: string, devices: string[]) => void;
}) {
  const [layoutId, setLayoutId] = useState("");
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [result, setResult] = useState<string | null>(null);

  const push = async () => {
    try {
      const sent = await send(layoutId.trim(), [...chosen]);
      onSent(layoutId.trim(), sent.devices);
      setResult(`Sent ${sent.messageId.slice(0, 8)}… to ${sent.devices.join(", ")}`);
    } catch (error) {
      setResult(error instanceof RealtimeError ? error.message : String(error));
    }
  };

  return (
    <section>
      <h2>Push a layout</h2>
      <form
        className="push"
        onSubmit={(e) => {
          e.preventDefault();
          void push();
        }}
      >
        <label htmlFor="layoutId">Layout id</label>
        <input id="layoutId" name="layoutId" value={layoutId} onChange={(e) => setLayoutId(e.target.value)} placeholder="spring-2026" />
        <fieldset>
          <legend>Screens</legend>
          {devices.map((id) => (
            <label key={id} className="check">
              <input
                type="checkbox"
                name="device"
                value={id}
                checked={chosen.has(id)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if (e.target.checked) next.add(id);
                  else next.delete(id);
                  setChosen(next);
                }}
              />
              {id}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={!layoutId.trim() || chosen.size === 0}>
          Push layout
        </button>
        {result && (
          <p className="result" role="status">
            {result}
          </p>
        )}
      </form>
    </section>
  );
}
