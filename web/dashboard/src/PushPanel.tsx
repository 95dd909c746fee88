import { useState } from "react";
import { type LayoutUpdateResponse, type RealtimeClient, RealtimeError } from "@creatiwall/realtime";
import type { Screen } from "./fleet";

type Target = "selected" | "shown" | "tag" | "all";

/** The ids of every screen with a tag, through the paged list (layout-update takes device ids, not tags). */
async function idsWithTag(client: RealtimeClient, tag: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.get("/api/devices", cursor ? { tag, limit: 1000, cursor } : { tag, limit: 1000 });
    ids.push(...page.devices.map((d) => d.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

/**
 * Push a layout to the selected screens, the screens shown, a tag, or every screen: first a confirmation that says how
 * many screens it reaches, then the update, whose delivery the caller follows.
 */
export function PushPanel({
  client,
  selected,
  shown,
  tags,
  total,
  send,
  onSent,
  onClearSelection,
}: {
  client: RealtimeClient;
  selected: ReadonlySet<string>;
  shown: Screen[];
  tags: string[];
  total: number;
  send: (layoutId: string, deviceIds?: string[]) => Promise<LayoutUpdateResponse>;
  onSent: (layoutId: string, messageId: string, devices: string[]) => void;
  onClearSelection: () => void;
}) {
  const [layoutId, setLayoutId] = useState("");
  const [target, setTarget] = useState<Target>("selected");
  const [tag, setTag] = useState("");
  const [confirm, setConfirm] = useState<{ layoutId: string; ids: string[] | undefined; count: number; what: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);

  const prepare = async () => {
    setResult(null);
    const id = layoutId.trim();
    try {
      setBusy(true);
      if (target === "selected") setConfirm({ layoutId: id, ids: [...selected], count: selected.size, what: "the selected screens" });
      else if (target === "shown")
        setConfirm({ layoutId: id, ids: shown.map((s) => s.id), count: shown.length, what: "the screens shown" });
      else if (target === "all") setConfirm({ layoutId: id, ids: undefined, count: total, what: "every screen" });
      else {
        const ids = await idsWithTag(client, tag);
        setConfirm({ layoutId: id, ids, count: ids.length, what: `the screens tagged ${tag}` });
      }
    } catch (error) {
      setResult(error instanceof RealtimeError ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const push = async () => {
    if (!confirm) return;
    try {
      setBusy(true);
      const sent = await send(confirm.layoutId, confirm.ids);
      onSent(confirm.layoutId, sent.messageId, sent.devices);
      setResult(`Pushed ${confirm.layoutId} to ${sent.devices.length.toLocaleString()} screens.`);
      if (target === "selected") onClearSelection();
    } catch (error) {
      setResult(error instanceof RealtimeError ? error.message : String(error));
    } finally {
      setBusy(false);
      setConfirm(null);
    }
  };

  const reachable =
    target === "selected" ? selected.size > 0 : target === "shown" ? shown.length > 0 : target === "tag" ? tag !== "" : total > 0;

  return (
    <section className="panel" aria-labelledby="push-title">
      <h2 id="push-title">Push a layout</h2>
      <form
        className="push"
        onSubmit={(e) => {
          e.preventDefault();
          void prepare();
        }}
      >
        <label htmlFor="layoutId">Layout id</label>
        <input
          id="layoutId"
          name="layoutId"
          value={layoutId}
          onChange={(e) => setLayoutId(e.target.value)}
          placeholder="spring-2026"
          required
        />
        <fieldset>
          <legend>To</legend>
          <label className="check">
            <input type="radio" name="target" value="selected" checked={target === "selected"} onChange={() => setTarget("selected")} />
            the selected screens ({selected.size.toLocaleString()})
          </label>
          <label className="check">
            <input type="radio" name="target" value="shown" checked={target === "shown"} onChange={() => setTarget("shown")} />
            the screens shown ({shown.length.toLocaleString()})
          </label>
          <label className="check">
            <input type="radio" name="target" value="tag" checked={target === "tag"} onChange={() => setTarget("tag")} />a tag
          </label>
          {target === "tag" && (
            <select id="push-tag" aria-label="Tag" value={tag} onChange={(e) => setTag(e.target.value)}>
              <option value="">choose a tag</option>
              {tags.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          )}
          <label className="check">
            <input type="radio" name="target" value="all" checked={target === "all"} onChange={() => setTarget("all")} />
            every screen ({total.toLocaleString()})
          </label>
        </fieldset>
        <button type="submit" id="push" disabled={!layoutId.trim() || !reachable || busy}>
          Push layout…
        </button>
      </form>
      {confirm && (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-text" aria-modal="false">
          <p id="confirm-text">
            Push <strong>{confirm.layoutId}</strong> to {confirm.what}:{" "}
            <strong data-reach={confirm.count}>{confirm.count.toLocaleString()}</strong> {confirm.count === 1 ? "screen" : "screens"}?
          </p>
          <button type="button" id="confirm-push" onClick={() => void push()} disabled={busy || confirm.count === 0} autoFocus>
            Push to {confirm.count.toLocaleString()}
          </button>
          <button type="button" className="quiet" onClick={() => setConfirm(null)}>
            Cancel
          </button>
        </div>
      )}
      {result && (
        <p className="result" role="status">
          {result}
        </p>
      )}
    </section>
  );
}
