import { useEffect, useState } from "react";
import type { LayoutUpdateView, RealtimeClient } from "@creatiwall/realtime";

export interface Push {
  messageId: string;
  layoutId: string;
  count: number;
}

type State = "pending" | "delivered" | "scheduled" | "applied" | "failed";
type Entry = { state: State; error: string | null };
const order: Record<State, number> = { pending: 0, scheduled: 1, delivered: 1, applied: 2, failed: 2 };

/**
 * One layout update's delivery as a live progress bar: `GET /api/layout-updates/{id}` once, then each `layout_ack` of it
 * (applied, failed with its error) as it arrives. A screen of it coming online makes the route read once more (a second
 * later), since "delivered" travels as the screen's PUBACK, which only the host sees. States only move forward.
 */
export function Delivery({ client, push }: { client: RealtimeClient; push: Push }) {
  const [devices, setDevices] = useState<ReadonlyMap<string, Entry>>(new Map());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const map = new Map<string, Entry>();
    let stopped = false;
    let flush: ReturnType<typeof setTimeout> | undefined;
    let reread: ReturnType<typeof setTimeout> | undefined;
    const changed = () => {
      flush ??= setTimeout(() => {
        flush = undefined;
        if (!stopped) setDevices(new Map(map));
      }, 150);
    };
    const move = (deviceId: string, state: State, error: string | null) => {
      const known = map.get(deviceId);
      if (known && order[known.state] > order[state]) return;
      if (known && known.state === state && known.error === error) return;
      map.set(deviceId, { state, error });
      changed();
    };
    const read = async () => {
      try {
        const view = await client.get<LayoutUpdateView>(`/api/layout-updates/${push.messageId}`);
        if (stopped) return;
        for (const d of view.devices) move(d.deviceId, d.state as State, d.error);
        setError(null);
      } catch (e) {
        if (!stopped) setError(String(e));
      }
    };
    void read();
    const offs = [
      client.on("layout_ack", (e) => {
        if (e.data.messageId !== push.messageId) return;
        const id = e.sender?.deviceId ?? e.channel.replace("device:", "");
        move(id, e.data.status === "applied" ? "applied" : "failed", e.data.error ?? null);
      }),
      client.on("device_status", (e) => {
        const known = map.get(e.data.deviceId);
        if (e.data.status !== "online" || !known || order[known.state] > 0) return;
        reread ??= setTimeout(() => {
          reread = undefined;
          void read();
        }, 1000);
      }),
    ];
    return () => {
      stopped = true;
      clearTimeout(flush);
      clearTimeout(reread);
      offs.forEach((off) => off());
    };
  }, [client, push.messageId]);

  const counts = { pending: 0, delivered: 0, applied: 0, failed: 0 };
  const failed: [string, string | null][] = [];
  for (const [id, d] of devices) {
    if (d.state === "applied") counts.applied++;
    else if (d.state === "failed") {
      counts.failed++;
      failed.push([id, d.error]);
    } else if (d.state === "delivered" || d.state === "scheduled") counts.delivered++;
    else counts.pending++;
  }

  const total = Math.max(push.count, devices.size);
  const done = counts.applied + counts.failed;
  const percent = total ? Math.floor((100 * counts.applied) / total) : 0;
  const width = (n: number) => `${total ? (100 * n) / total : 0}%`;
  return (
    <section className="panel delivery" aria-labelledby="delivery-title" data-message-id={push.messageId}>
      <h2 id="delivery-title">
        Delivery of <span className="layout-id">{push.layoutId}</span>
      </h2>
      <div
        className="bar"
        role="progressbar"
        aria-label={`${push.layoutId}: applied on ${counts.applied} of ${total} screens`}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={counts.applied}
        data-percent={percent}
        data-applied={counts.applied}
        data-failed={counts.failed}
        data-total={total}
      >
        <span className="applied" style={{ width: width(counts.applied) }} />
        <span className="failed" style={{ width: width(counts.failed) }} />
        <span className="delivered" style={{ width: width(counts.delivered) }} />
      </div>
      <p className="legend">
        <span className="k pending">{counts.pending.toLocaleString()} pending</span>
        <span className="k delivered">{counts.delivered.toLocaleString()} delivered</span>
        <span className="k applied">{counts.applied.toLocaleString()} applied</span>
        <span className="k failed">{counts.failed.toLocaleString()} failed</span>
        <strong>
          {percent}% applied{done === total && total > 0 ? " · done" : ""}
        </strong>
      </p>
      {failed.length > 0 && (
        <details open={failed.length <= 5}>
          <summary>Failed screens ({failed.length.toLocaleString()})</summary>
          <ul className="failed-list">
            {failed.slice(0, 50).map(([id, why]) => (
              <li key={id} data-failed-device={id}>
                <strong>{id}</strong>: {why ?? "no reason given"}
              </li>
            ))}
            {failed.length > 50 && <li>and {(failed.length - 50).toLocaleString()} more</li>}
          </ul>
        </details>
      )}
      {error && <p className="error">{error}</p>}
    </section>
  );
}
