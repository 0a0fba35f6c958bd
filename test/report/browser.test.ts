// The audit report in a real browser (Debian's Chromium driven by playwright-core): every section
// and chart renders, nothing is fetched from the network, the page fits a laptop screen, prints,
// and a screenshot is taken. Skips with a message where Chromium is not installed.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditResult, runAudit } from "../../src/audit/index.js";
import { auditHtml } from "../../src/report/index.js";

const CHROMIUM = process.env.MLSEC_CHROMIUM ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available) {
  console.warn(
    `skipping the browser test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set MLSEC_CHROMIUM)`,
  );
}

/** The DOM calls the page-side function makes (the test compiles without the DOM library). */
interface ChartElement {
  getBoundingClientRect(): { width: number; height: number };
  querySelectorAll(selector: string): { length: number };
}

const dir = mkdtempSync(join(tmpdir(), "mlsec-browser-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real audit of the demo model without data, plus measured-looking data sections. */
async function fullReport(): Promise<AuditResult> {
  const r = await runAudit({
    model: "examples/models/digits-cnn.onnx",
    system: "examples/threat-models/digit-reader.yaml",
    profile: "quick",
    seed: 0,
  });
  return {
    ...r,
    sections: {
      ...r.sections,
      accuracy: {
        samples: 200,
        accuracy: 0.98,
        perClass: Array.from({ length: 10 }, (_, label) => ({
          label,
          support: 20,
          accuracy: 0.98,
        })),
      },
      robustness: {
        samples: 200,
        norm: "inf",
        bounds: [0, 1],
        points: [0.05, 0.1, 0.2].flatMap((eps, i) => [
          {
            attack: "fgsm" as const,
            eps,
            robustAccuracy: 0.9 - 0.3 * i,
            successRate: 0.1,
            seconds: 1,
          },
          {
            attack: "pgd" as const,
            eps,
            robustAccuracy: 0.85 - 0.4 * i,
            successRate: 0.2,
            seconds: 2,
          },
        ]),
      },
      membership: {
        attack: "loss threshold",
        members: 500,
        nonMembers: 500,
        auc: 0.52,
        tprAtFpr: { "0.001": 0.002, "0.01": 0.012 },
        advantage: 0.04,
        memberAccuracy: 0.99,
        nonMemberAccuracy: 0.98,
        roc: [
          [0, 0],
          [0.3, 0.33],
          [1, 1],
        ],
      },
      explanations: {
        method: "integrated gradients",
        samples: 4,
        values: Array.from({ length: 784 }, (_, i) => ((i % 28) - 14) ** 2 / 196),
        features: [],
        inputShape: [1, 28, 28],
        note: "test",
      },
    },
  };
}

describe.skipIf(!available)("the audit report in Chromium", { timeout: 120_000 }, () => {
  // biome-ignore lint/suspicious/noExplicitAny: playwright-core is loaded only when Chromium exists.
  let browser: any;
  let file: string;
  beforeAll(async () => {
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    file = join(dir, "report.html");
    writeFileSync(file, await auditHtml(await fullReport(), "0.1.0"));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("renders every section and chart on a laptop screen without fetching anything", async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on("request", (r: { url(): string }) => requests.push(r.url()));
    page.on("pageerror", (e: Error) => errors.push(e.message));
    await page.goto(`file://${file}`);
    expect(requests).toEqual([`file://${file}`]);
    expect(errors).toEqual([]);
    for (const id of [
      "summary",
      "signature",
      "scan",
      "model",
      "accuracy",
      "robustness",
      "membership",
      "explanations",
      "threats",
    ]) {
      expect(await page.locator(`section#${id}`).isVisible(), id).toBe(true);
    }
    const charts = await page.locator("svg").evaluateAll((svgs: ChartElement[]) =>
      svgs.map((s) => {
        const box = s.getBoundingClientRect();
        return {
          width: box.width,
          height: box.height,
          marks: s.querySelectorAll("path, rect").length,
        };
      }),
    );
    // Robustness curve, ROC, heat-map and the data-flow diagram.
    expect(charts.length).toBeGreaterThanOrEqual(4);
    for (const c of charts) {
      expect(c.width).toBeGreaterThan(100);
      expect(c.height).toBeGreaterThan(50);
      expect(c.marks).toBeGreaterThan(0);
    }
    const width = await page.evaluate("document.documentElement.scrollWidth");
    expect(width).toBeLessThanOrEqual(1366);
    const png = join(dir, "report.png");
    await page.screenshot({ path: png, fullPage: true });
    expect(statSync(png).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it("prints to PDF", async () => {
    const page = await browser.newPage();
    await page.goto(`file://${file}`);
    const pdf: Buffer = await page.pdf({ format: "A4" });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(20_000);
    await page.close();
  });
});
