// JavaScript/TypeScript front-end on the TypeScript compiler API's syntax tree (no type check):
// eval/new Function on computed values, disabled TLS verification, plain-HTTP downloads,
// trust_remote_code, unpinned hub models and secrets in literals.

import type * as TS from "typescript";
import {
  applySuppressions,
  finding,
  isPinnedRevision,
  isPlainHttpUrl,
  isSecretAssignment,
  type LintFinding,
  type LintRuleId,
  parseSuppression,
  type Suppression,
  secretFormat,
} from "./findings.js";

const FETCHERS = new Set([
  "fetch",
  "get",
  "request",
  "download",
  "downloadFile",
  "from_pretrained",
  "pipeline",
]);

export function lintJavaScript(ts: typeof TS, src: string, path: string) {
  const kind = /\.tsx$/.test(path)
    ? ts.ScriptKind.TSX
    : /\.jsx$/.test(path)
      ? ts.ScriptKind.JSX
      : /\.[cm]?ts$/.test(path)
        ? ts.ScriptKind.TS
        : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(path, src, ts.ScriptTarget.Latest, true, kind);
  const out: LintFinding[] = [];
  const at = (rule: LintRuleId, node: TS.Node, detail?: string) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    out.push(finding(rule, path, line + 1, character + 1, detail));
  };
  const isLiteral = (n: TS.Node | undefined) =>
    n !== undefined && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n));
  const propName = (n: TS.PropertyName) =>
    ts.isIdentifier(n) || ts.isStringLiteral(n) ? n.text : undefined;
  const calleeName = (e: TS.Expression): string =>
    ts.isIdentifier(e)
      ? e.text
      : ts.isPropertyAccessExpression(e)
        ? `${calleeName(e.expression)}.${e.name.text}`
        : "?";

  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const name = calleeName(node.expression);
      const last = name.split(".").at(-1) ?? "";
      const args = node.arguments ?? ts.factory.createNodeArray();
      if (
        (name === "eval" || (ts.isNewExpression(node) && name === "Function")) &&
        args.length > 0
      ) {
        const body = args[args.length - 1];
        if (!isLiteral(body)) at("eval-dynamic", node, `${name}(${body.getText(sf).slice(0, 40)})`);
      }
      if (
        /^vm\.(?:runIn\w*Context|compileFunction)$|^vm\.Script$/.test(name) &&
        args.length > 0 &&
        !isLiteral(args[0])
      ) {
        at("eval-dynamic", node, name);
      }
      if (FETCHERS.has(last)) {
        for (const a of args) {
          if (isLiteral(a) && isPlainHttpUrl((a as TS.StringLiteral).text)) {
            at("insecure-download", a, (a as TS.StringLiteral).text.slice(0, 80));
          }
        }
      }
      if (last === "from_pretrained" || last === "pipeline") {
        const repoArg = last === "pipeline" ? args[1] : args[0];
        const repo = isLiteral(repoArg) ? (repoArg as TS.StringLiteral).text : undefined;
        const opts = args.find((a) => ts.isObjectLiteralExpression(a)) as
          | TS.ObjectLiteralExpression
          | undefined;
        const revision = opts?.properties.find(
          (p) => ts.isPropertyAssignment(p) && propName(p.name) === "revision",
        ) as TS.PropertyAssignment | undefined;
        const pinned =
          revision !== undefined &&
          isLiteral(revision.initializer) &&
          isPinnedRevision((revision.initializer as TS.StringLiteral).text);
        if (repo !== undefined && /^[\w.-]+\/[\w.-]+$/.test(repo) && !pinned) {
          at("unpinned-model", node, `${repo} without revision: "<commit hash>"`);
        }
      }
    }
    if (ts.isPropertyAssignment(node)) {
      const key = propName(node.name);
      const v = node.initializer;
      if (key === "rejectUnauthorized" && v.kind === ts.SyntaxKind.FalseKeyword) {
        at("tls-verify-disabled", node, "rejectUnauthorized: false");
      }
      if (
        (key === "trust_remote_code" || key === "trustRemoteCode") &&
        v.kind === ts.SyntaxKind.TrueKeyword
      ) {
        at("trust-remote-code", node);
      }
      if (
        key !== undefined &&
        isLiteral(v) &&
        secretFormat((v as TS.StringLiteral).text) === undefined
      ) {
        if (isSecretAssignment(key, (v as TS.StringLiteral).text))
          at("hardcoded-secret", node, `${key}: "…"`);
      }
    }
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.initializer !== undefined
    ) {
      const v = node.initializer;
      if (isLiteral(v) && secretFormat((v as TS.StringLiteral).text) === undefined) {
        if (isSecretAssignment(node.name.text, (v as TS.StringLiteral).text)) {
          at("hardcoded-secret", node, `${node.name.text} = "…"`);
        }
      }
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = node.left.getText(sf);
      if (
        /NODE_TLS_REJECT_UNAUTHORIZED/.test(target) &&
        /^["'`]?0["'`]?$/.test(node.right.getText(sf))
      ) {
        at("tls-verify-disabled", node, "NODE_TLS_REJECT_UNAUTHORIZED = 0");
      }
    }
    if (isLiteral(node)) {
      const what = secretFormat((node as TS.StringLiteral).text);
      if (what !== undefined) at("hardcoded-secret", node, what);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);

  const suppressions: Suppression[] = [];
  const commentOnly = new Set<number>();
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, src);
  let lastCodeLine = 0;
  for (let tok = scanner.scan(); tok !== ts.SyntaxKind.EndOfFileToken; tok = scanner.scan()) {
    const line = sf.getLineAndCharacterOfPosition(scanner.getTokenStart()).line + 1;
    if (
      tok === ts.SyntaxKind.SingleLineCommentTrivia ||
      tok === ts.SyntaxKind.MultiLineCommentTrivia
    ) {
      const s = parseSuppression(scanner.getTokenText(), line);
      if (s !== undefined) suppressions.push(s);
      if (lastCodeLine !== line) commentOnly.add(line);
    } else if (tok !== ts.SyntaxKind.NewLineTrivia && tok !== ts.SyntaxKind.WhitespaceTrivia) {
      lastCodeLine = line;
    }
  }
  return applySuppressions(out, suppressions, path, commentOnly);
}
