/** The dashboard's stylesheet, served as a file: the CSP allows no inline styles. */
export const DASHBOARD_STYLE = `
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #ffffff; --page: #f6f8fa; --accent: #0969da; --bad: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; background: var(--page); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 22px; margin: 0; }
h2 { font-size: 16px; margin: 0 0 12px; }
header { display: flex; align-items: center; gap: 16px; margin-bottom: 8px; }
header form { margin-left: auto; }
.window-label { color: var(--muted); }
button, select, input { font: inherit; }
button { border: 1px solid var(--line); background: var(--panel); border-radius: 6px; padding: 4px 12px; cursor: pointer; }
.status { color: var(--muted); margin: 0 0 12px; }
.status.error { color: var(--bad); }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 12px; margin-bottom: 16px; }
.figure { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; display: flex; flex-direction: column; }
.figure-label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.figure-value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.figure-detail { color: var(--muted); font-size: 12px; }
.quality { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin-bottom: 16px; }
.quality-figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px 16px; margin-bottom: 8px; }
.quality-figures .figure { border: none; padding: 0; }
.quality-figures .figure-value { font-size: 15px; }
.quality-charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
.quality-charts .chart { border: none; padding: 0; }
.quality-charts .canvas-box { height: 170px; }
.verdict-pass { color: #1a7f37; }
.verdict-fail, .over { color: var(--bad); }
.near { color: #9a6700; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; margin-bottom: 16px; }
.chart { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.chart.wide { grid-column: 1 / -1; }
.chart figcaption { font-weight: 600; margin-bottom: 8px; }
.canvas-box { position: relative; height: 260px; }
.slowest, .evals, .budgets, .repositories { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.evals, .slowest { margin-top: 16px; }
.budgets { margin-bottom: 16px; }
td a { color: var(--accent); }
.evals .hint { margin-bottom: 8px; }
[hidden] { display: none !important; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
td.number, th.number { text-align: right; }
td.sha { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
tbody tr:last-child td { border-bottom: none; }
.empty { color: var(--muted); text-align: center; }
body.login { display: grid; place-items: center; min-height: 100vh; padding: 0; }
body.login main { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 24px 32px; width: 340px; }
body.login form { display: flex; flex-direction: column; gap: 8px; margin: 16px 0 8px; }
body.login input { padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; }
body.login button { background: var(--accent); border-color: var(--accent); color: #fff; padding: 6px 12px; }
.error { color: var(--bad); margin: 0; }
.hint { color: var(--muted); font-size: 12px; margin: 0; }
@media (max-width: 800px) { .charts, .quality-charts { grid-template-columns: 1fr; } body { padding: 16px; } }
`;
