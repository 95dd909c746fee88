import { useEffect, useRef, useState } from "react";
import type { DeviceView, RealtimeClient } from "@creatiwall/realtime";
import { type FleetStore, layoutState, type Screen } from "./fleet";
import { ago, clock } from "./FleetList";

const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
};

/**
 * One screen: what the registry says of it (read once when opened), its presence timeline (the last 50 changes this page
 * has seen, starting from the list's or the retained status: the server keeps no presence history) and the layout
 * updates pushed to it and acknowledged, live.
 */
export function ScreenDetail({
  client,
  store,
  screen,
  now,
  onClose,
  onSelect,
}: {
  client: RealtimeClient;
  store: FleetStore;
  screen: Screen;
  now: number;
  onClose: () => void;
  onSelect: (id: string) => void;
}) {
  const [registry, setRegistry] = useState<DeviceView | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let stopped = false;
    client
      .get<DeviceView>(`/api/devices/${encodeURIComponent(screen.id)}`)
      .then((d) => !stopped && setRegistry(d))
      .catch(() => undefined); // the live view below does not depend on it
    heading.current?.focus();
    return () => {
      stopped = true;
    };
  }, [client, screen.id]);

  const presence = store.presenceOf(screen.id);
  const layouts = store.layoutsOf(screen.id);
  const state = layoutState(screen);
  return (
    <section
      className="panel detail"
      id="detail"
      aria-labelledby="detail-title"
      data-detail-id={screen.id}
      onKeyDown={(e) => {
        if (e.key === "Escape") onClose();
      }}
    >
      <div className="detail-head">
        <h2 id="detail-title" ref={heading} tabIndex={-1}>
          Screen <span className="layout-id">{screen.id}</span>
        </h2>
        <button type="button" className="quiet" onClick={onClose} aria-label={`Close the details of ${screen.id}`}>
          Close
        </button>
      </div>
      <dl className="facts">
        <dt>Status</dt>
        <dd className={`status ${screen.status}`}>
          {screen.status}
          {screen.reason ? ` · ${screen.reason}` : ""} since {clock(screen.since)} ({ago(screen.since, now)})
        </dd>
        {(registry?.name ?? screen.name) && (
          <>
            <dt>Name</dt>
            <dd>{registry?.name ?? screen.name}</dd>
          </>
        )}
        {(registry?.location ?? screen.location) && (
          <>
            <dt>Location</dt>
            <dd>{registry?.location ?? screen.location}</dd>
          </>
        )}
        <dt>Tags</dt>
        <dd>{(registry?.tags ?? screen.tags).join(", ") || "none"}</dd>
        <dt>Layout</dt>
        <dd>
          {screen.layout?.layoutId ?? "none"} ({state === "pending" ? "not applied yet" : state})
          {state === "failed" && screen.ack?.error ? `: ${screen.ack.error}` : ""}
        </dd>
      </dl>
      <button type="button" className="quiet" onClick={() => onSelect(screen.id)}>
        Select for a push
      </button>

      <h3>Presence ({presence.length})</h3>
      <ol className="timeline" aria-label={`Presence changes of ${screen.id}, newest first`}>
        {presence.map((p, i) => {
          const until = i === 0 ? now : Date.parse(presence[i - 1].since);
          return (
            <li key={`${p.since}-${p.status}`} className={p.status} data-presence={p.status}>
              <span className="dot" aria-hidden />
              <span>
                {p.status}
                {p.reason ? ` · ${p.reason}` : ""}
              </span>
              <time dateTime={p.since}>{clock(p.since)}</time>
              <span className="for">for {duration(Math.max(0, until - Date.parse(p.since)))}</span>
            </li>
          );
        })}
      </ol>

      <h3>Layout updates ({layouts.length})</h3>
      {layouts.length === 0 ? (
        <p className="muted">
          None seen since the page opened
          {registry?.lastAcknowledgedLayout?.layoutId
            ? `; last acknowledged: ${registry.lastAcknowledgedLayout.layoutId} (${registry.lastAcknowledgedLayout.status})`
            : ""}
          .
        </p>
      ) : (
        <ol className="timeline" aria-label={`Layout updates of ${screen.id}, newest first`}>
          {layouts.map((l) => (
            <li key={`${l.messageId}-${l.state}-${l.at}`} className={l.state} data-layout-event={l.state}>
              <span className="dot" aria-hidden />
              <span>
                {l.layoutId ?? "?"} {l.state}
                {l.error ? `: ${l.error}` : ""}
              </span>
              <time dateTime={l.at}>{l.at ? clock(l.at) : ""}</time>
              <span className="for">{l.messageId?.slice(0, 8)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
