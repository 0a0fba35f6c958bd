export { escapeXml as esc } from "../core/index.js";
export { barChartSvg, type LineSeries, lineChartSvg } from "./charts.js";
export { auditHtml, REPORT_CSS, threatModelHtml, threatSectionHtml } from "./html.js";
export { auditSarif } from "./sarif.js";
