import type { DeviceStatusData, DeviceView, Envelope, LayoutAckData, LayoutUpdateData } from "@creatiwall/realtime";

/** A screen as the dashboard keeps it: the REST list's view, then kept up to date by its presence, layout and acks. */
export interface Screen {
  id: string;
  name: string | null;
  tags: string[];
  location: string | null;
  status: "online" | "offline";
  reason: string | null;
  /** When the status last changed (ISO 8601), as the server says. */
  since: string;
  /** `since` as milliseconds, for sorting. */
  changedAt: number;
  layout: { layoutId: string | null; messageId: string | null } | null;
  ack: { layoutId: string | null; messageId: string | null; status: string | null; error: string | null } | null;
}

/** A presence change seen while the page was open (or the retained one it started from). */
export interface PresenceChange {
  status: "online" | "offline";
  reason: string | null;
  since: string;
}

/** A layout update seen for a screen: pushed, then acknowledged. */
export interface LayoutEvent {
  messageId: string | null;
  layoutId: string | null;
  state: "pushed" | "applied" | "failed";
  error: string | null;
  at: string;
}

const time = (iso: string) => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
};

const byId = (a: Screen, b: Screen) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const deviceOfChannel = (channel: string) => (channel.startsWith("device:") ? channel.slice("device:".length) : null);

/** A screen's current layout is applied when its last acknowledgement is `applied` for that very layout update. */
export function layoutState(screen: Screen): "none" | "applied" | "failed" | "pending" {
  if (!screen.layout?.layoutId) return "none";
  const ack = screen.ack;
  if (!ack) return "pending";
  const same =
    screen.layout.messageId && ack.messageId ? screen.layout.messageId === ack.messageId : screen.layout.layoutId === ack.layoutId;
  if (!same) return "pending";
  return ack.status === "applied" ? "applied" : ack.status === "failed" ? "failed" : "pending";
}

/**
 * Every screen of the tenant, outside React: thousands of MQTT messages a second change it in place, and React hears of
 * it at most every `flushMs` (one render for a burst of 10,000 retained statuses, not 10,000 renders).
 */
export class FleetStore {
  readonly screens = new Map<string, Screen>();
  private readonly history = new Map<string, PresenceChange[]>();
  private readonly layouts = new Map<string, LayoutEvent[]>();
  private readonly listeners = new Set<() => void>();
  private pending?: ReturnType<typeof setTimeout>;
  private snapshot: Screen[] = [];
  /** Messages handed to the store since the page opened (the messages/s the page sustains). */
  messages = 0;

  constructor(private readonly flushMs = 100) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  /** The screens as of the last flush: a new array after each (what React compares). */
  getSnapshot = () => this.snapshot;

  /** A page of the REST list: fills what MQTT has not said yet, never overwrites a newer status. */
  addFromRest(views: DeviceView[]) {
    for (const view of views) {
      const known = this.screens.get(view.id);
      const changedAt = time(view.since);
      const newer = !known || changedAt > known.changedAt;
      this.screens.set(view.id, {
        id: view.id,
        name: view.name,
        tags: view.tags,
        location: view.location,
        status: newer ? (view.status === "online" ? "online" : "offline") : known.status,
        reason: newer ? view.reason : known.reason,
        since: newer ? view.since : known.since,
        changedAt: newer ? changedAt : known.changedAt,
        layout:
          known?.layout ?? (view.currentLayout ? { layoutId: view.currentLayout.layoutId, messageId: view.currentLayout.messageId } : null),
        ack: restAck(known, view),
      });
      if (newer)
        this.remember(view.id, { status: view.status === "online" ? "online" : "offline", reason: view.reason, since: view.since });
    }

    this.changed();
  }

  /** A presence envelope (retained or live). An older one than what is known (a late duplicate) is ignored. */
  status(envelope: Envelope<DeviceStatusData>) {
    this.messages++;
    const d = envelope.data;
    if (!d?.deviceId) return;
    const changedAt = time(d.since);
    const known = this.screens.get(d.deviceId);
    if (known && changedAt < known.changedAt) return;
    if (known && known.status === d.status && known.since === d.since) return;
    this.screens.set(d.deviceId, {
      ...(known ?? { id: d.deviceId, name: null, tags: [], location: null, layout: null, ack: null }),
      status: d.status === "online" ? "online" : "offline",
      reason: d.reason ?? null,
      since: d.since,
      changedAt,
    });
    this.remember(d.deviceId, { status: d.status, reason: d.reason ?? null, since: d.since });
    this.changed();
  }

  /** A device's retained (or newly pushed) layout. */
  layout(envelope: Envelope<LayoutUpdateData>) {
    this.messages++;
    const id = deviceOfChannel(envelope.channel);
    if (!id) return;
    const known = this.screens.get(id);
    if (known?.layout?.messageId === envelope.id) return;
    this.screens.set(id, {
      ...(known ?? blank(id)),
      layout: { layoutId: envelope.data?.layoutId ?? null, messageId: envelope.id || null },
    });
    this.event(id, {
      messageId: envelope.id || null,
      layoutId: envelope.data?.layoutId ?? null,
      state: "pushed",
      error: null,
      at: envelope.timestamp,
    });
    this.changed();
  }

  /** A device's `layout_ack`. */
  ack(envelope: Envelope<LayoutAckData>) {
    this.messages++;
    const id = envelope.sender?.deviceId ?? deviceOfChannel(envelope.channel);
    if (!id) return;
    const known = this.screens.get(id) ?? blank(id);
    const d = envelope.data;
    this.screens.set(id, { ...known, ack: { layoutId: d.layoutId, messageId: d.messageId, status: d.status, error: d.error ?? null } });
    this.event(id, {
      messageId: d.messageId,
      layoutId: d.layoutId,
      state: d.status === "applied" ? "applied" : "failed",
      error: d.error ?? null,
      at: envelope.timestamp || new Date().toISOString(),
    });
    this.changed();
  }

  /** The layouts just pushed through this page (before their retained copies arrive). */
  pushed(layoutId: string, messageId: string, ids: string[]) {
    for (const id of ids) {
      const known = this.screens.get(id);
      if (known) this.screens.set(id, { ...known, layout: { layoutId, messageId } });
      this.event(id, { messageId, layoutId, state: "pushed", error: null, at: new Date().toISOString() });
    }

    this.changed();
  }

  /** The last 50 presence changes of a screen, newest first. */
  presenceOf(id: string): PresenceChange[] {
    return [...(this.history.get(id) ?? [])].reverse();
  }

  /** The layout updates seen for a screen, newest first. */
  layoutsOf(id: string): LayoutEvent[] {
    return [...(this.layouts.get(id) ?? [])].reverse();
  }

  private remember(id: string, change: PresenceChange) {
    let list = this.history.get(id);
    if (!list) this.history.set(id, (list = []));
    const last = list[list.length - 1];
    if (last && last.since === change.since && last.status === change.status) return;
    list.push(change);
    if (list.length > 50) list.shift();
  }

  private event(id: string, event: LayoutEvent) {
    let list = this.layouts.get(id);
    if (!list) this.layouts.set(id, (list = []));
    const same = list.findIndex((e) => e.messageId === event.messageId && e.messageId !== null && e.state === event.state);
    if (same >= 0) return;
    list.push(event);
    if (list.length > 50) list.shift();
  }

  private changed() {
    if (this.pending !== undefined) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.snapshot = [...this.screens.values()];
      this.listeners.forEach((listener) => listener());
    }, this.flushMs);
  }
}

/**
 * The list's last acknowledged layout, where it tells more than what this page saw: an ack of the current layout that
 * arrived while the page was away (the list is read again after a reconnect; acks are not retained).
 */
function restAck(known: Screen | undefined, view: DeviceView): Screen["ack"] {
  const rest = view.lastAcknowledgedLayout;
  const fromRest = rest ? { layoutId: rest.layoutId, messageId: null, status: rest.status, error: null } : null;
  if (!known?.ack) return fromRest;
  const current = known.layout?.layoutId;
  if (fromRest && current && fromRest.layoutId === current && known.ack.layoutId !== current) return fromRest;
  return known.ack;
}

const blank = (id: string): Screen => ({
  id,
  name: null,
  tags: [],
  location: null,
  status: "offline",
  reason: null,
  since: new Date(0).toISOString(),
  changedAt: 0,
  layout: null,
  ack: null,
});

export interface Filters {
  q: string;
  status: "" | "online" | "offline";
  reason: string;
  tag: string;
  notApplied: boolean;
  sort: "changed" | "id";
}

export const noFilters: Filters = { q: "", status: "", reason: "", tag: "", notApplied: false, sort: "changed" };

export interface FleetView {
  total: number;
  online: number;
  offline: number;
  /** Offline screens by reason, most first. */
  reasons: [string, number][];
  tags: string[];
  notApplied: number;
  /** The screens that pass the filters, sorted. */
  rows: Screen[];
}

/** Counts, the tags in use, and the filtered, sorted rows: one pass over the fleet (about 5 ms for 10,000 screens). */
export function view(screens: Iterable<Screen>, filters: Filters): FleetView {
  let total = 0;
  let online = 0;
  let notApplied = 0;
  const reasons = new Map<string, number>();
  const tags = new Set<string>();
  const rows: Screen[] = [];
  const q = filters.q.trim().toLowerCase();
  for (const s of screens) {
    total++;
    if (s.status === "online") online++;
    else reasons.set(s.reason ?? "unknown", (reasons.get(s.reason ?? "unknown") ?? 0) + 1);
    for (const tag of s.tags) tags.add(tag);
    const state = layoutState(s);
    const unapplied = state === "pending" || state === "failed";
    if (unapplied) notApplied++;
    if (filters.status && s.status !== filters.status) continue;
    if (filters.reason && (s.status !== "offline" || (s.reason ?? "unknown") !== filters.reason)) continue;
    if (filters.tag && !s.tags.includes(filters.tag)) continue;
    if (filters.notApplied && !unapplied) continue;
    if (q && !s.id.toLowerCase().includes(q) && !(s.name ?? "").toLowerCase().includes(q)) continue;
    rows.push(s);
  }

  rows.sort(filters.sort === "id" ? byId : (a, b) => b.changedAt - a.changedAt || byId(a, b));
  return {
    total,
    online,
    offline: total - online,
    reasons: [...reasons.entries()].sort((a, b) => b[1] - a[1]),
    tags: [...tags].sort(),
    notApplied,
    rows,
  };
}
