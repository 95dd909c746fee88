import { useEffect, useMemo, useRef, useState } from "react";
import { CategoryScale, Chart, type ChartDataset, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip } from "chart.js";
import type { ActivityView, RealtimeClient } from "@creatiwall/realtime";

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler, Tooltip);

const hhmm = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/**
 * Screens online and messages per second over the last hour, from the host's one-minute series (`GET /api/activity`,
 * read when the page opens and then once a minute, when the host closes a minute). The online figure of the minute
 * under way is the live count of the fleet view.
 */
export function Charts({ client, onlineNow }: { client: RealtimeClient; onlineNow: number }) {
  const [activity, setActivity] = useState<ActivityView | null>(null);

  useEffect(() => {
    let stopped = false;
    const read = () =>
      client
        .get("/api/activity")
        .then((a) => !stopped && setActivity(a))
        .catch(() => undefined); // the charts keep what they had; the next minute tries again
    void read();
    const timer = setInterval(read, 60_000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [client]);

  const series = useMemo(() => {
    const points = activity ? [...activity.points, { ...activity.current, online: onlineNow }] : [];
    return {
      labels: points.map((p, i) => (i === points.length - 1 ? "now" : hhmm(p.at))),
      online: points.map((p) => p.online),
      messagesIn: points.map((p) => p.messagesInPerSecond),
      messagesOut: points.map((p) => p.messagesOutPerSecond),
    };
  }, [activity, onlineNow]);

  const peak = (values: number[]) => (values.length ? Math.max(...values) : 0);
  const last = (values: number[]) => values[values.length - 1] ?? 0;
  return (
    <section className="panel charts" aria-labelledby="charts-title">
      <h2 id="charts-title">Last hour</h2>
      <LineChart
        title="Screens online"
        value={last(series.online).toLocaleString()}
        summary={`Screens online over the last hour: now ${last(series.online)}, at most ${peak(series.online)}.`}
        labels={series.labels}
        datasets={[{ label: "online", data: series.online, borderColor: "#1f8a4c", backgroundColor: "#1f8a4c22", fill: true }]}
      />
      <LineChart
        title="Messages / s"
        value={`${last(series.messagesOut).toFixed(1)} out · ${last(series.messagesIn).toFixed(1)} in`}
        summary={`Messages per second over the last hour: now ${last(series.messagesOut)} out and ${last(series.messagesIn)} in, at most ${peak(series.messagesOut)} out.`}
        labels={series.labels}
        datasets={[
          { label: "out", data: series.messagesOut, borderColor: "#1f4fc4", backgroundColor: "#1f4fc422", fill: true },
          { label: "in", data: series.messagesIn, borderColor: "#a35a00", backgroundColor: "transparent" },
        ]}
      />
    </section>
  );
}

function LineChart({
  title,
  value,
  summary,
  labels,
  datasets,
}: {
  title: string;
  value: string;
  summary: string;
  labels: string[];
  datasets: ChartDataset<"line", number[]>[];
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<"line", number[], string> | null>(null);

  useEffect(() => {
    chart.current = new Chart(canvas.current!, {
      type: "line",
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        // A dot on the minute under way only: the line says the rest (and a lone point is still seen).
        elements: {
          point: { radius: (ctx) => (ctx.dataIndex === ctx.dataset.data.length - 1 ? 3 : 0), hitRadius: 6 },
          line: { borderWidth: 2, tension: 0.25 },
        },
        scales: {
          x: { ticks: { maxTicksLimit: 6, color: "#4d566b" } },
          y: { beginAtZero: true, ticks: { maxTicksLimit: 4, color: "#4d566b" } },
        },
        plugins: { tooltip: { intersect: false, mode: "index" } },
      },
    });
    return () => chart.current?.destroy();
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = labels;
    c.data.datasets = datasets;
    c.update("none");
  }, [labels, datasets]);

  return (
    <figure className="chart">
      <figcaption>
        <span>{title}</span> <strong>{value}</strong>
      </figcaption>
      <div className="canvas">
        <canvas ref={canvas} role="img" aria-label={summary} />
      </div>
    </figure>
  );
}
