// Detection quality on a labelled corpus built here (run `npm run build` first): BENCH_SENTENCES
// (default 600) seeded sentences, each holding one entity of a checksum/pattern type with a
// valid value made by the type's own rule (Luhn cards incl. Mastercard 2221–2720, ISO 13616
// IBANs, SSA-valid SSNs, NHS mod-11, Base58Check BTC addresses, libphonenumber-valid phones,
// IPv4/IPv6, URLs, e-mail, dates, AWS/GitHub secrets), and as many hard negatives that must stay
// unflagged: order and invoice numbers, 16-digit numbers failing Luhn, version strings, hex
// hashes, tracking codes, ISBNs. Span match at character IoU >= 0.5; one JSON line per type and
// one per negative kind. The baseline is the target (F1 >= 0.95 per pattern type);
// ratio = F1 / 0.95. PERSON and LOCATION are measured on Presidio's data (bench/pii.mjs) instead:
// templates here would only echo the name lists the recognizers use.
import { createHash } from "node:crypto";
import examples from "libphonenumber-js/examples.mobile.json";
import { getExampleNumber, isValidPhoneNumber } from "libphonenumber-js/max";
import { createRng } from "../dist/core/index.js";
import { analyze, evaluateSpans } from "../dist/pii/index.js";

const N = Number(process.env.BENCH_SENTENCES ?? 600);
const rng = createRng(7);
const pick = (xs) => xs[rng.int(xs.length)];
const digits = (n) => Array.from({ length: n }, () => rng.int(10)).join("");
const alnum = (n, set) => Array.from({ length: n }, () => set[rng.int(set.length)]).join("");

function luhnDigit(body) {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}
function card() {
  const [prefix, len] = pick([
    ["4", 16],
    [String(51 + rng.int(5)), 16],
    [String(2221 + rng.int(500)), 16],
    [pick(["34", "37"]), 15],
    ["6011", 16],
  ]);
  const body = prefix + digits(len - prefix.length - 1);
  const n = body + luhnDigit(body);
  const sep = pick([" ", "-", ""]);
  return len === 15
    ? [n.slice(0, 4), n.slice(4, 10), n.slice(10)].join(sep)
    : n.match(/.{4}/g).join(sep);
}
function iban() {
  const [cc, bban] = pick([
    ["GB", () => alnum(4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") + digits(14)],
    ["DE", () => digits(18)],
    ["FR", () => digits(23)],
    ["NL", () => alnum(4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") + digits(10)],
  ]);
  const b = bban();
  const numeric = `${b}${cc}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  const check = String(98n - (BigInt(numeric) % 97n)).padStart(2, "0");
  const raw = `${cc}${check}${b}`;
  return rng.next() < 0.5 ? raw : raw.match(/.{1,4}/g).join(" ");
}
function ssn() {
  let area;
  do area = 1 + rng.int(899);
  while (area === 666);
  return `${String(area).padStart(3, "0")}-${String(1 + rng.int(99)).padStart(2, "0")}-${String(1 + rng.int(9999)).padStart(4, "0")}`;
}
function nhs() {
  for (;;) {
    const body = digits(9);
    const sum = [...body].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    const n = body + String(check === 11 ? 0 : check);
    return `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
  }
}
const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
function btc() {
  const payload = Buffer.from([pick([0, 5]), ...Array.from({ length: 20 }, () => rng.int(256))]);
  const sha = (b) => createHash("sha256").update(b).digest();
  const full = Buffer.concat([payload, sha(sha(payload)).subarray(0, 4)]);
  let x = BigInt(`0x${full.toString("hex")}`);
  let out = "";
  while (x > 0n) {
    out = B58[Number(x % 58n)] + out;
    x /= 58n;
  }
  for (const b of full) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}
function phone() {
  for (;;) {
    const region = pick(["US", "GB", "DE", "FR", "AU", "IN", "ES", "NL"]);
    const ex = getExampleNumber(region, examples);
    const national = String(ex.nationalNumber);
    const candidate = `+${ex.countryCallingCode}${national.slice(0, -3)}${digits(3)}`;
    if (!isValidPhoneNumber(candidate)) continue;
    return rng.next() < 0.5
      ? candidate.replace(/^(\+\d{1,3})(\d{3})(\d{3})/, "$1 $2 $3 ")
      : candidate;
  }
}
const FIRST = ["anna", "li.wei", "omar", "julia", "k.tanaka", "m.rossi", "p.dubois"];
const HOSTS = ["example.com", "mail.example.org", "uni-hamburg.de", "example.co.uk"];
const GENERATORS = {
  CREDIT_CARD: [
    card,
    ["Charge it to {}, please.", "My card number is {} (exp 09/27).", "Paid with {} yesterday."],
  ],
  IBAN_CODE: [iban, ["Wire the refund to {}.", "IBAN: {}", "Our account {} has changed."]],
  US_SSN: [ssn, ["SSN {} on file.", "Her social security number is {}.", "ssn: {}"]],
  UK_NHS: [nhs, ["NHS number {} registered.", "Patient NHS no. {} attended."]],
  CRYPTO: [btc, ["Send 0.1 BTC to {} today.", "wallet {}"]],
  PHONE_NUMBER: [phone, ["Call me on {} after six.", "Phone: {}", "Reach the desk at {}."]],
  EMAIL_ADDRESS: [
    () => `${pick(FIRST)}${rng.int(99)}@${pick(HOSTS)}`,
    ["Write to {} for access.", "email {}"],
  ],
  IP_ADDRESS: [
    () =>
      rng.next() < 0.6
        ? Array.from({ length: 4 }, () => 1 + rng.int(254)).join(".")
        : Array.from({ length: 8 }, () => rng.int(65536).toString(16)).join(":"),
    ["Login from {} was blocked.", "The server at {} timed out."],
  ],
  URL: [
    () => `https://www.${pick(HOSTS)}/${alnum(6, "abcdefghij")}?id=${digits(4)}`,
    ["See {} for details.", "Docs: {}"],
  ],
  DATE_TIME: [
    () =>
      pick([
        `${pick(["March", "July", "October"])} ${1 + rng.int(28)}, ${1990 + rng.int(35)}`,
        `${1990 + rng.int(35)}-0${1 + rng.int(9)}-1${rng.int(9)}`,
        `0${1 + rng.int(9)}/1${rng.int(9)}/${1990 + rng.int(35)}`,
      ]),
    ["The appointment is on {}.", "Born {} in a small town."],
  ],
  SECRET: [
    () =>
      rng.next() < 0.5
        ? `AKIA${alnum(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`
        : `ghp_${alnum(36, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}`,
    ["export KEY={}", "token {} leaked in the log"],
  ],
};
function notLuhn() {
  for (;;) {
    const n = `4${digits(15)}`;
    if (luhnDigit(n.slice(0, 15)) !== n[15]) return n.match(/.{4}/g).join(" ");
  }
}
const NEGATIVES = {
  "order-number": () => `Order #${digits(8 + rng.int(3))} has shipped.`,
  "invoice-id": () => `Invoice INV-${2015 + rng.int(10)}-${digits(6)} is overdue.`,
  "16-digit-not-luhn": () => `Reference ${notLuhn()} was not a card.`,
  "version-string": () =>
    `Upgraded to version ${1 + rng.int(20)}.${rng.int(30)}.${rng.int(99)} today.`,
  "hex-hash": () => `sha256 ${alnum(64, "0123456789abcdef")} matches.`,
  "git-commit": () => `Fixed in commit ${alnum(40, "0123456789abcdef")}.`,
  "tracking-code": () =>
    `Tracking 1Z${alnum(6, "ABCDEFGHJKLMNPRSTUVWXYZ0123456789")}${digits(10)} in transit.`,
  isbn: () => `ISBN 978-${rng.int(10)}-${digits(2)}-${digits(6)}-${rng.int(10)} is out of print.`,
  "ticket-id": () => `Ticket JIRA-${digits(4)} closed after ${1 + rng.int(30)} comments.`,
};

const data = [];
const negatives = [];
const types = Object.keys(GENERATORS);
for (let i = 0; i < N; i++) {
  const type = types[i % types.length];
  const [make, templates] = GENERATORS[type];
  const value = make();
  const template = pick(templates);
  const start = template.indexOf("{}");
  data.push({
    text: template.replace("{}", value),
    spans: [{ type, start, end: start + value.length }],
  });
  const kinds = Object.keys(NEGATIVES);
  const kind = kinds[i % kinds.length];
  const text = NEGATIVES[kind]();
  negatives.push({ kind, text });
  data.push({ text, spans: [] });
}

const r3 = (x) => Math.round(x * 1000) / 1000;
const result = evaluateSpans(data, (t) => analyze(t), { iouThreshold: 0.5 });
for (const [type, s] of Object.entries(result.perType)) {
  console.log(
    JSON.stringify({
      bench: "pii-corpus",
      case: type,
      p: r3(s.precision),
      r: r3(s.recall),
      f1: r3(s.f1),
      tp: s.truePositives,
      fp: s.falsePositives,
      fn: s.falseNegatives,
      baselineF1: 0.95,
      ratio: r3(s.f1 / 0.95),
    }),
  );
}
const flagged = {};
for (const { kind, text } of negatives) {
  const hits = analyze(text).filter((f) => f.type !== "DATE_TIME");
  flagged[kind] ??= { sentences: 0, flagged: 0, types: {} };
  flagged[kind].sentences++;
  if (hits.length > 0) flagged[kind].flagged++;
  for (const h of hits) flagged[kind].types[h.type] = (flagged[kind].types[h.type] ?? 0) + 1;
}
for (const [kind, f] of Object.entries(flagged)) {
  console.log(JSON.stringify({ bench: "pii-corpus", case: `negative-${kind}`, ...f }));
}
console.log(
  JSON.stringify({
    bench: "pii-corpus",
    case: "overall",
    sentences: data.length,
    p: r3(result.overall.precision),
    r: r3(result.overall.recall),
    f1: r3(result.overall.f1),
  }),
);
