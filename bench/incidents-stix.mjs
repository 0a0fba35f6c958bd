// STIX 2.1 export + import of incident records, against a baseline in the same run: plain
// JSON.stringify + JSON.parse of the same records. Prints one JSON line per case with the ratio.
// Run `npm run build` first.
import { performance } from "node:perf_hooks";
import {
  ATLAS_TECHNIQUES,
  exportBundle,
  importBundle,
  parseBundle,
} from "../dist/incidents/index.js";

const techniques = [...ATLAS_TECHNIQUES.keys()];
function incidents(n) {
  return Array.from({ length: n }, (_, k) => {
    const hex = (k + 1).toString(16).padStart(12, "0");
    return {
      id: `incident--00000000-0000-4000-8000-${hex}`,
      title: `Incident ${k}`,
      description: "A model file carried a pickle payload.",
      status: "open",
      severity: "high",
      tlp: k % 2 ? "green" : "amber",
      reporter: `Org ${k % 7}`,
      models: [{ name: `model-${k}`, version: "1" }],
      techniques: [techniques[k % techniques.length], techniques[(k * 7) % techniques.length]],
      indicators: [
        { kind: "file-sha256", value: (k + 1).toString(16).padStart(64, "a") },
        { kind: "ipv4", value: `198.51.100.${k % 250}` },
      ],
      mitigations: ["AML.M0014"],
      created: "2026-03-01T10:00:00.000Z",
      modified: "2026-03-02T11:00:00.000Z",
    };
  });
}

function time(fn, reps) {
  fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

for (const n of [10, 200, 1000]) {
  const records = incidents(n);
  let objects = 0;
  const stix = time(
    () => {
      const text = JSON.stringify(exportBundle(records));
      const r = importBundle(parseBundle(text));
      objects = r.objects.length;
      if (r.incidents.length !== n) throw new Error("round trip lost incidents");
    },
    n >= 1000 ? 3 : 10,
  );
  const baseline = time(() => JSON.parse(JSON.stringify(records)), n >= 1000 ? 3 : 10);
  console.log(
    JSON.stringify({
      case: "stix-roundtrip",
      incidents: n,
      objects,
      ms: +stix.toFixed(2),
      baseline: "JSON.stringify+parse of the records",
      baselineMs: +baseline.toFixed(3),
      ratio: +(stix / baseline).toFixed(1),
      incidentsPerSecond: Math.round((n / stix) * 1000),
    }),
  );
}
