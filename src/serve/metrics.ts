// Prometheus text exposition (format 0.0.4) for the gateway: counters by label set and
// fixed-bucket histograms, enough for request rates, decisions, latency and batch sizes.

type Labels = Readonly<Record<string, string>>;

const key = (labels: Labels) =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
    )
    .join(",");

class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k === "" ? "" : `{${k}}`} ${v}`);
    return lines.join("\n");
  }
}

class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    this.counts = new Array(buckets.length).fill(0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) this.counts[i]++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (let i = 0; i < this.buckets.length; i++) {
      lines.push(`${this.name}_bucket{le="${this.buckets[i]}"} ${this.counts[i]}`);
    }
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`);
    lines.push(`${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines.join("\n");
  }
}

export class GatewayMetrics {
  readonly requests = new Counter(
    "mlsec_gateway_requests_total",
    "HTTP requests by route, status and decision.",
  );
  readonly rows = new Counter("mlsec_gateway_inference_rows_total", "Samples scored, by model.");
  readonly detections = new Counter(
    "mlsec_gateway_detections_total",
    "Requests flagged by a detector, by detector.",
  );
  readonly latency = new Histogram(
    "mlsec_gateway_request_seconds",
    "Request latency in seconds.",
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  readonly batchRows = new Histogram(
    "mlsec_gateway_batch_rows",
    "Samples per model call (dynamic batching).",
    [1, 2, 4, 8, 16, 32, 64, 128, 256],
  );

  render(gauges: Readonly<Record<string, { help: string; value: number }>>): string {
    const parts = [this.requests, this.rows, this.detections, this.latency, this.batchRows].map(
      (m) => m.render(),
    );
    for (const [name, g] of Object.entries(gauges)) {
      parts.push(`# HELP ${name} ${g.help}\n# TYPE ${name} gauge\n${name} ${g.value}`);
    }
    return `${parts.join("\n")}\n`;
  }
}
