// Python front-end: finds call sites (dotted callee resolved through the file's imports) and
// their keyword arguments on the token stream, then applies the lint rules to them.

import {
  applySuppressions,
  finding,
  isPinnedRevision,
  isPlainHttpUrl,
  isSecretAssignment,
  type LintFinding,
  parseSuppression,
  type Suppression,
  secretFormat,
} from "./findings.js";
import { type PyToken, tokenizePython } from "./python-tokens.js";

interface Arg {
  readonly keyword?: string;
  readonly tokens: readonly PyToken[];
}

interface Call {
  /** Callee resolved through imports, e.g. "torch.load"; "?" stands for a computed base. */
  readonly name: string;
  readonly last: string;
  readonly method: boolean;
  readonly args: readonly Arg[];
  readonly at: PyToken;
}

const PICKLE_LOADERS = new Set(
  ["pickle", "_pickle", "cPickle", "dill", "cloudpickle"].flatMap((m) => [
    `${m}.load`,
    `${m}.loads`,
    `${m}.Unpickler`,
  ]),
).add("pandas.read_pickle");
const JOBLIB_LOADERS = new Set(["joblib.load", "sklearn.externals.joblib.load"]);
const YAML_UNSAFE = new Set(["yaml.unsafe_load", "yaml.unsafe_load_all"]);
const YAML_LOAD = new Set(["yaml.load", "yaml.load_all"]);
const SAFE_YAML_LOADER = /(?:^|\.)(?:C?SafeLoader|BaseLoader)$/;
const DOWNLOADERS = new Set([
  "get",
  "urlopen",
  "urlretrieve",
  "download",
  "download_url",
  "download_url_to_file",
  "load_state_dict_from_url",
  "from_pretrained",
  "hf_hub_download",
  "snapshot_download",
  "load_dataset",
  "read_csv",
  "read_parquet",
]);
const HUB_LOADERS = new Set(["from_pretrained", "hf_hub_download", "snapshot_download"]);

const isOp = (t: PyToken | undefined, text: string) => t?.kind === "op" && t.text === text;
const textOf = (tokens: readonly PyToken[]) => tokens.map((t) => t.text).join("");
const literal = (arg: Arg | undefined) =>
  arg !== undefined &&
  arg.tokens.length === 1 &&
  arg.tokens[0].kind === "string" &&
  !arg.tokens[0].formatted
    ? arg.tokens[0].value
    : undefined;

export function lintPython(src: string, path: string) {
  const all = tokenizePython(src);
  const suppressions: Suppression[] = [];
  const commentOnly = new Set<number>();
  let lastCodeLine = 0;
  for (const t of all) {
    if (t.kind === "comment") {
      const s = parseSuppression(t.text, t.line);
      if (s !== undefined) suppressions.push(s);
      if (lastCodeLine !== t.line) commentOnly.add(t.line);
    } else if (t.kind !== "newline") lastCodeLine = t.line;
  }
  const tokens = all.filter((t) => t.kind !== "comment");
  const aliases = importAliases(tokens);
  const out: LintFinding[] = [];
  const at = (rule: Parameters<typeof finding>[0], t: PyToken, detail?: string) =>
    out.push(finding(rule, path, t.line, t.column, detail));

  for (const call of calls(tokens, aliases)) checkCall(call, at);

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === "string" && !t.formatted) {
      const what = secretFormat(t.value);
      if (what !== undefined) at("hardcoded-secret", t, what);
    }
    // NAME = "literal"  (also self.NAME = ..., NAME: str = ...)
    if (t.kind === "name" && isOp(tokens[i + 1], "=") && tokens[i + 2]?.kind === "string") {
      const v = tokens[i + 2];
      const end = tokens[i + 3];
      if (
        !v.formatted &&
        (end === undefined || end.kind === "newline") &&
        secretFormat(v.value) === undefined
      ) {
        if (isSecretAssignment(t.text, v.value)) at("hardcoded-secret", t, `${t.text} = "…"`);
      }
    }
    // Only where it is set (`x.verify_mode = ssl.CERT_NONE`, `cert_reqs=ssl.CERT_NONE`), not compared.
    if (
      t.kind === "name" &&
      t.text === "CERT_NONE" &&
      isOp(tokens[i - 1], ".") &&
      isOp(tokens[i - 3], "=")
    ) {
      at("tls-verify-disabled", t, "ssl.CERT_NONE");
    }
    if (
      t.kind === "name" &&
      t.text === "check_hostname" &&
      isOp(tokens[i + 1], "=") &&
      tokens[i + 2]?.text === "False"
    ) {
      at("tls-verify-disabled", t, "check_hostname = False");
    }
  }
  const unique = dedupe(out);
  return applySuppressions(unique, suppressions, path, commentOnly);
}

function checkCall(
  call: Call,
  at: (rule: Parameters<typeof finding>[0], t: PyToken, detail?: string) => void,
): void {
  const { name, last, args } = call;
  const kw = (k: string) => args.find((a) => a.keyword === k);
  const kwIs = (k: string, v: string) => {
    const a = kw(k);
    return a !== undefined && a.tokens.length === 1 && a.tokens[0].text === v;
  };
  const positional = args.filter((a) => a.keyword === undefined);
  if (PICKLE_LOADERS.has(name)) at("pickle-load", call.at, `${name}()`);
  if (JOBLIB_LOADERS.has(name)) at("joblib-load", call.at, `${name}()`);
  if (name === "torch.load" && !kwIs("weights_only", "True")) {
    at("torch-load", call.at, "pass weights_only=True (or load safetensors)");
  }
  if (name === "numpy.load" && kwIs("allow_pickle", "True")) at("numpy-allow-pickle", call.at);
  if (YAML_UNSAFE.has(name)) at("yaml-unsafe-load", call.at, `${name}()`);
  if (YAML_LOAD.has(name)) {
    const loader = kw("Loader") ?? positional[1];
    if (loader === undefined || !SAFE_YAML_LOADER.test(textOf(loader.tokens))) {
      at("yaml-unsafe-load", call.at, "use yaml.safe_load or Loader=yaml.SafeLoader");
    }
  }
  if (last === "load_model" && kwIs("safe_mode", "False")) at("keras-unsafe-mode", call.at);
  if (kwIs("trust_remote_code", "True")) {
    at("trust-remote-code", kw("trust_remote_code")?.tokens[0] ?? call.at, `${name}()`);
  }
  if (
    !call.method &&
    (name === "eval" || name === "exec" || name === "builtins.eval" || name === "builtins.exec")
  ) {
    if (positional.length > 0 && literal(positional[0]) === undefined) {
      at("eval-dynamic", call.at, `${name}(${textOf(positional[0].tokens).slice(0, 40)})`);
    }
  }
  if (DOWNLOADERS.has(last) || kw("url") !== undefined || kw("endpoint") !== undefined) {
    for (const a of args) {
      const v = literal(a);
      if (v !== undefined && isPlainHttpUrl(v))
        at("insecure-download", a.tokens[0], v.slice(0, 80));
    }
  }
  if (HUB_LOADERS.has(last)) {
    const repo = literal(kw("repo_id") ?? kw("pretrained_model_name_or_path") ?? positional[0]);
    const isHubId =
      repo !== undefined &&
      /^[\w.-]+\/[\w.-]+$/.test(repo) &&
      !/\.(?:bin|pt|pth|onnx|safetensors|json)$/.test(repo);
    const revision = kw("revision");
    const pinned = revision !== undefined && isPinnedRevision(literal(revision) ?? "");
    if (isHubId && !pinned) {
      at("unpinned-model", call.at, `${repo} without revision=<commit hash>`);
    }
  }
  if (last === "load_state_dict_from_url" && !kwIs("check_hash", "True")) {
    at("unpinned-model", call.at, "load_state_dict_from_url without check_hash=True");
  }
  if (name === "torch.hub.load") {
    const repo = literal(positional[0]);
    if (repo !== undefined && !/:[0-9a-f]{40}$/i.test(repo) && !kwIs("source", "'local'")) {
      at("unpinned-model", call.at, `${repo} without a pinned commit (owner/repo:<sha>)`);
    }
  }
  if (kwIs("verify", "False")) at("tls-verify-disabled", call.at, `${name}(verify=False)`);
  if (name === "ssl._create_unverified_context") at("tls-verify-disabled", call.at, name);
}

/** name -> qualified module path, from `import a.b as c` and `from a.b import c as d`. */
function importAliases(tokens: readonly PyToken[]): Map<string, string> {
  const aliases = new Map<string, string>();
  const dotted = (i: number): [string, number] => {
    const parts: string[] = [];
    while (tokens[i]?.kind === "name") {
      parts.push(tokens[i++].text);
      if (!isOp(tokens[i], ".") || tokens[i + 1]?.kind !== "name") break;
      parts.push(".");
      i++;
    }
    return [parts.join(""), i];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const lineStart = i === 0 || tokens[i - 1].kind === "newline" || isOp(tokens[i - 1], ";");
    if (!lineStart || t.kind !== "name") continue;
    if (t.text === "import") {
      let j = i + 1;
      while (j < tokens.length && tokens[j].kind !== "newline") {
        const [mod, k] = dotted(j);
        j = k;
        if (tokens[j]?.text === "as" && tokens[j + 1]?.kind === "name") {
          aliases.set(tokens[j + 1].text, mod);
          j += 2;
        } else if (mod !== "") aliases.set(mod.split(".")[0], mod.split(".")[0]);
        if (!isOp(tokens[j], ",")) break;
        j++;
      }
    } else if (t.text === "from") {
      const [mod, k] = dotted(i + 1);
      let j = k;
      if (tokens[j]?.text !== "import") continue;
      j++;
      while (j < tokens.length && tokens[j].kind !== "newline") {
        if (isOp(tokens[j], "(") || isOp(tokens[j], ")") || isOp(tokens[j], ",")) {
          j++;
          continue;
        }
        if (tokens[j].kind !== "name") break;
        const nameTok = tokens[j];
        if (tokens[j + 1]?.text === "as" && tokens[j + 2]?.kind === "name") {
          aliases.set(tokens[j + 2].text, `${mod}.${nameTok.text}`);
          j += 3;
        } else {
          aliases.set(nameTok.text, `${mod}.${nameTok.text}`);
          j++;
        }
      }
    }
  }
  // Common ecosystem spellings resolve to their canonical module.
  for (const [k, v] of aliases) {
    aliases.set(k, v.replace(/^np\b/, "numpy").replace(/^pd\b/, "pandas"));
  }
  return aliases;
}

function* calls(tokens: readonly PyToken[], aliases: ReadonlyMap<string, string>): Generator<Call> {
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i];
    if (t.kind !== "name" || !isOp(tokens[i + 1], "(")) continue;
    const before = tokens[i - 1];
    if (before?.kind === "name" && (before.text === "def" || before.text === "class")) continue;
    const chain = [t.text];
    let j = i - 1;
    while (isOp(tokens[j], ".") && tokens[j - 1]?.kind === "name") {
      chain.unshift(tokens[j - 1].text);
      j -= 2;
    }
    const computedBase = isOp(tokens[j], ".");
    const head = computedBase ? "?" : (aliases.get(chain[0]) ?? chain[0]);
    const name = computedBase ? ["?", ...chain].join(".") : [head, ...chain.slice(1)].join(".");
    yield {
      name,
      last: t.text,
      method: computedBase || (chain.length > 1 && !aliases.has(chain[0])),
      args: splitArgs(tokens, i + 1),
      at: tokens[j + 1] ?? t,
    };
  }
}

/** Arguments of the call whose "(" is at `open`: top-level comma-separated token runs. */
function splitArgs(tokens: readonly PyToken[], open: number): Arg[] {
  const args: Arg[] = [];
  let depth = 0;
  let current: PyToken[] = [];
  const flush = () => {
    if (current.length === 0) return;
    if (current[0].kind === "name" && isOp(current[1], "=")) {
      args.push({ keyword: current[0].text, tokens: current.slice(2) });
    } else args.push({ tokens: current });
    current = [];
  };
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind === "op" && "([{".includes(t.text)) {
      depth++;
      if (depth === 1) continue;
    } else if (t.kind === "op" && ")]}".includes(t.text)) {
      depth--;
      if (depth === 0) break;
    } else if (depth === 1 && isOp(t, ",")) {
      flush();
      continue;
    }
    if (t.kind !== "newline") current.push(t);
  }
  flush();
  return args;
}

function dedupe(findings: readonly LintFinding[]): LintFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.ruleId}:${f.line}:${f.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
