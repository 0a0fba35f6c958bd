export { auditHtml, REPORT_CSS, threatModelHtml, threatSectionHtml } from "./html.js";
export { auditSarif } from "./sarif.js";
export { esc, lineChart, type Series } from "./svg.js";
