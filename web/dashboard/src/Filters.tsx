import type { Dispatch, SetStateAction } from "react";
import type { Filters, FleetView } from "./fleet";

type Props = { fleet: FleetView; filters: Filters; setFilters: Dispatch<SetStateAction<Filters>> };

/** The fleet's counts at a glance; each is a button that filters the list to it (pressed while it does). */
export function Summary({ fleet, filters, setFilters }: Props) {
  const set = (change: Partial<Filters>) => setFilters((f) => ({ ...f, ...change }));
  const only = (status: Filters["status"]) => filters.status === status && !filters.reason;
  return (
    <div className="summary" role="group" aria-label="Counts (buttons filter the list)">
      <button
        type="button"
        className="count"
        aria-pressed={!filters.status && !filters.reason}
        onClick={() => set({ status: "", reason: "" })}
      >
        <span className="value" data-count="total">
          {fleet.total.toLocaleString()}
        </span>
        <span className="label">screens</span>
      </button>
      <button type="button" className="count online" aria-pressed={only("online")} onClick={() => set({ status: "online", reason: "" })}>
        <span className="value" data-count="online">
          {fleet.online.toLocaleString()}
        </span>
        <span className="label">online</span>
      </button>
      <button type="button" className="count offline" aria-pressed={only("offline")} onClick={() => set({ status: "offline", reason: "" })}>
        <span className="value" data-count="offline">
          {fleet.offline.toLocaleString()}
        </span>
        <span className="label">offline</span>
      </button>
      {fleet.reasons.map(([reason, n]) => (
        <button
          type="button"
          key={reason}
          className="count reason"
          data-reason={reason}
          aria-pressed={filters.reason === reason}
          onClick={() => set({ status: "offline", reason })}
        >
          <span className="value">{n.toLocaleString()}</span>
          <span className="label">{reason}</span>
        </button>
      ))}
      <button
        type="button"
        className="count warn"
        aria-pressed={filters.notApplied}
        onClick={() => set({ notApplied: !filters.notApplied })}
      >
        <span className="value" data-count="not-applied">
          {fleet.notApplied.toLocaleString()}
        </span>
        <span className="label">layout not applied</span>
      </button>
    </div>
  );
}

/** Search by id or name, the filters and the order. */
export function FiltersBar({ fleet, filters, setFilters }: Props) {
  const set = (change: Partial<Filters>) => setFilters((f) => ({ ...f, ...change }));
  return (
    <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
      <label>
        <span>Search</span>
        <input id="search" type="search" placeholder="id or name" value={filters.q} onChange={(e) => set({ q: e.target.value })} />
      </label>
      <label>
        <span>Status</span>
        <select
          id="filter-status"
          value={filters.status}
          onChange={(e) => set({ status: e.target.value as Filters["status"], reason: "" })}
        >
          <option value="">any</option>
          <option value="online">online</option>
          <option value="offline">offline</option>
        </select>
      </label>
      <label>
        <span>Offline reason</span>
        <select
          id="filter-reason"
          value={filters.reason}
          onChange={(e) => set({ reason: e.target.value, status: e.target.value ? "offline" : filters.status })}
        >
          <option value="">any</option>
          {fleet.reasons.map(([reason]) => (
            <option key={reason} value={reason}>
              {reason}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Tag</span>
        <select id="filter-tag" value={filters.tag} onChange={(e) => set({ tag: e.target.value })}>
          <option value="">any</option>
          {fleet.tags.map((tag) => (
            <option key={tag} value={tag}>
              {tag}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input
          id="filter-not-applied"
          type="checkbox"
          checked={filters.notApplied}
          onChange={(e) => set({ notApplied: e.target.checked })}
        />
        <span>layout not applied</span>
      </label>
      <label>
        <span>Sort</span>
        <select id="sort" value={filters.sort} onChange={(e) => set({ sort: e.target.value as Filters["sort"] })}>
          <option value="changed">last change first</option>
          <option value="id">id</option>
        </select>
      </label>
      <span className="shown" aria-live="polite">
        {fleet.rows.length.toLocaleString()} shown
      </span>
    </form>
  );
}
