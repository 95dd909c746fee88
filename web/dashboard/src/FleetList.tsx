import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import { layoutState, type Screen } from "./fleet";

/** Each row's height in px: fixed, so the rows in view follow from the scroll position alone. */
export const ROW_HEIGHT = 52;
/** Rows rendered above and below the visible ones, so fast scrolling shows no gaps. */
const OVERSCAN = 6;

export const clock = (iso: string) => new Date(iso).toLocaleTimeString();

export function ago(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return "under a minute ago"; // the page's clock moves every 15 s
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/**
 * The screens that pass the filters, virtualised: only the rows in view (and a few either side) are in the DOM, each
 * positioned in a list as tall as all of them, so the scrollbar is the whole fleet's. Arrow keys move between rows.
 */
export function FleetList({
  rows,
  selected,
  onToggle,
  onOpen,
  openId,
  now,
}: {
  rows: Screen[];
  selected: ReadonlySet<string>;
  onToggle: (id: string, on: boolean) => void;
  onOpen: (id: string) => void;
  openId: string | null;
  now: number;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 0 });
  const focusNext = useRef<number | null>(null);

  useEffect(() => {
    const element = scroller.current!;
    // The observer reports the size once on observe, then on every resize (a laptop's window, a zoom).
    const observer = new ResizeObserver(() => setViewport({ top: element.scrollTop, height: element.clientHeight }));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (focusNext.current === null) return;
    const row = scroller.current?.querySelector<HTMLButtonElement>(`[data-index="${focusNext.current}"] button.open`);
    if (row) {
      row.focus({ preventScroll: true });
      focusNext.current = null;
    }
  });

  const height = viewport.height || 600;
  const first = Math.max(0, Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((viewport.top + height) / ROW_HEIGHT) + OVERSCAN);

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10, Home: -Infinity, End: Infinity };
    if (!(e.key in moves) || !(e.target instanceof HTMLElement)) return;
    const at = Number(e.target.closest("[data-index]")?.getAttribute("data-index") ?? -1);
    if (at < 0) return;
    e.preventDefault();
    const to = Math.max(0, Math.min(rows.length - 1, at + moves[e.key]));
    const element = scroller.current!;
    if (to * ROW_HEIGHT < element.scrollTop) element.scrollTop = to * ROW_HEIGHT;
    else if ((to + 1) * ROW_HEIGHT > element.scrollTop + element.clientHeight)
      element.scrollTop = (to + 1) * ROW_HEIGHT - element.clientHeight;
    focusNext.current = to;
    setViewport({ top: element.scrollTop, height: element.clientHeight });
  };

  return (
    <div
      className="scroller"
      ref={scroller}
      onScroll={(e) => setViewport({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
    >
      <ul className="rows" aria-label={`Screens (${rows.length} shown)`} style={{ height: rows.length * ROW_HEIGHT }} onKeyDown={onKeyDown}>
        {rows.slice(first, last).map((s, i) => (
          <Row
            key={s.id}
            screen={s}
            index={first + i}
            count={rows.length}
            selected={selected.has(s.id)}
            open={openId === s.id}
            onToggle={onToggle}
            onOpen={onOpen}
            now={now}
          />
        ))}
      </ul>
      {rows.length === 0 && <p className="empty">No screen matches.</p>}
    </div>
  );
}

const layoutText = { none: "no layout", applied: "applied", pending: "not applied yet", failed: "failed" } as const;

function Row({
  screen: s,
  index,
  count,
  selected,
  open,
  onToggle,
  onOpen,
  now,
}: {
  screen: Screen;
  index: number;
  count: number;
  selected: boolean;
  open: boolean;
  onToggle: (id: string, on: boolean) => void;
  onOpen: (id: string) => void;
  now: number;
}) {
  const state = layoutState(s);
  return (
    <li
      className={`device ${s.status}${open ? " open" : ""}`}
      data-device-id={s.id}
      data-status={s.status}
      data-index={index}
      aria-setsize={count}
      aria-posinset={index + 1}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
    >
      <input
        type="checkbox"
        name="device"
        value={s.id}
        checked={selected}
        onChange={(e) => onToggle(s.id, e.target.checked)}
        aria-label={`Select ${s.id}`}
      />
      <button type="button" className="open" onClick={() => onOpen(s.id)} aria-expanded={open} title="Show this screen's details">
        <strong>{s.id}</strong>
        {s.name && <span className="name">{s.name}</span>}
      </button>
      <span className="state">
        <span className="dot" aria-hidden />
        {s.status}
        {s.reason ? ` · ${s.reason}` : ""}
      </span>
      <span className="since" title={s.since}>
        since {clock(s.since)} <span className="ago">({ago(s.since, now)})</span>
      </span>
      <span className="layout" title="current layout">
        {s.layout?.layoutId ?? "—"}
      </span>
      <span className={`ack ${state}`} data-ack={state} title={s.ack?.error ?? undefined}>
        {layoutText[state]}
        {state === "failed" && s.ack?.error ? `: ${s.ack.error}` : ""}
      </span>
    </li>
  );
}
