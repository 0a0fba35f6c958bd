// TAXII 2.1 over HTTP (fastify server + fetch client on loopback) against a baseline in the
// same run: the same store operations called directly. SQLite always; PostgreSQL too when
// MLSEC_BENCH_PG (e.g. postgres://postgres@127.0.0.1:5432/test) is set. Run `npm run build` first.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import {
  createTaxiiServer,
  parseTaxiiConfig,
  stableId,
  TaxiiClient,
} from "../dist/incidents/index.js";
import { openStore, parseStoreUrl } from "../dist/store/index.js";

const HTTP = "9a1c7e52-3f0b-4d8e-a6c2-5b7d9e1f3a40";
const DIRECT = "2e4f6a8c-1b3d-4f5a-8c7e-9d0b1a2c3e4f";
const TOKEN = "bench-token-0123456789abcdef";
const N = 2000;

const config = parseTaxiiConfig({
  maxContentLength: 32 * 1024 * 1024,
  pageSize: 500,
  apiRoots: [
    {
      name: "api1",
      title: "bench",
      collections: [
        { id: HTTP, title: "http" },
        { id: DIRECT, title: "direct" },
      ],
    },
  ],
  principals: [{ name: "bench", token: TOKEN, read: ["*"], write: ["*"] }],
});

const objects = Array.from({ length: N }, (_, k) => ({
  type: "indicator",
  spec_version: "2.1",
  id: stableId("indicator", String(k)),
  created: "2026-03-01T10:00:00.000Z",
  modified: "2026-03-01T10:00:00.000Z",
  pattern: `[file:hashes.'SHA-256' = '${k.toString(16).padStart(64, "0")}']`,
  pattern_type: "stix",
  valid_from: "2026-03-01T10:00:00.000Z",
}));

async function run(backend, storeUrl, cleanup) {
  const store = await openStore(parseStoreUrl(storeUrl));
  const server = await createTaxiiServer({ store, config });
  const base = await server.listen(0);
  const client = new TaxiiClient({ apiRoot: `${base}/api1/`, token: TOKEN });
  try {
    let t0 = performance.now();
    const status = await client.addObjects(HTTP, objects);
    const httpPost = performance.now() - t0;
    if (status.success_count !== N) throw new Error("push failed");
    t0 = performance.now();
    await server.repository.addObjects(DIRECT, objects, "keep");
    const directPost = performance.now() - t0;
    console.log(
      JSON.stringify({
        case: "taxii-post",
        backend,
        objects: N,
        ms: +httpPost.toFixed(1),
        baseline: "repository.addObjects",
        baselineMs: +directPost.toFixed(1),
        ratio: +(httpPost / directPost).toFixed(2),
      }),
    );

    for (const pageSize of [100, 500]) {
      t0 = performance.now();
      const pulled = await client.pullAll(HTTP, { pageSize });
      const httpPull = performance.now() - t0;
      if (pulled.objects.length !== N) throw new Error("pull lost objects");
      t0 = performance.now();
      let next;
      let got = 0;
      do {
        const page = await server.repository.objects(DIRECT, {
          limit: pageSize,
          ...(next ? { next } : {}),
        });
        got += page.rows.map((r) => JSON.parse(r.body)).length;
        next = page.next;
      } while (next);
      const directPull = performance.now() - t0;
      if (got !== N) throw new Error("direct paging lost objects");
      console.log(
        JSON.stringify({
          case: "taxii-pull",
          backend,
          objects: N,
          pageSize,
          pages: pulled.pages,
          ms: +httpPull.toFixed(1),
          baseline: "repository.objects paging",
          baselineMs: +directPull.toFixed(1),
          ratio: +(httpPull / directPull).toFixed(2),
        }),
      );
    }
  } finally {
    await server.close();
    await store.close();
    await cleanup();
  }
}

const dir = mkdtempSync(join(tmpdir(), "mlsec-bench-taxii-"));
await run("sqlite", join(dir, "bench.db"), async () =>
  rmSync(dir, { recursive: true, force: true }),
);
const pgUrl = process.env.MLSEC_BENCH_PG;
if (pgUrl) {
  const schema = `mlsec_bench_${process.pid}`;
  await run("postgres", `${pgUrl}?schema=${schema}`, async () => {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });
}
