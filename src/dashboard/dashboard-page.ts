/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const ASSET_PATHS = {
  chart: '/dashboard/assets/chart.js',
  script: '/dashboard/assets/dashboard.js',
  style: '/dashboard/assets/dashboard.css',
} as const;

// An empty favicon: the browser would otherwise ask for /favicon.ico, which nobody serves.
function head(title: string, scripts: readonly string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="same-origin">',
    `<title>${escapeHtml(title)}</title>`,
    '<link rel="icon" href="data:,">',
    `<link rel="stylesheet" href="${ASSET_PATHS.style}">`,
    ...scripts.map((src) => `<script src="${escapeHtml(src)}" defer></script>`),
    '</head>',
  ].join('\n');
}

/** The sign-in form; `failed` after a wrong token (which says no more than that). */
export function loginPage(failed: boolean): string {
  return `${head('riskgate · sign in', [])}
<body class="login">
<main>
<h1>riskgate</h1>
<form method="post" action="/dashboard/login">
<label for="token">Dashboard token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
${failed ? '<p class="error" role="alert">Not signed in.</p>' : ''}
</form>
<p class="hint">The token is the App's <code>DASHBOARD_TOKEN</code>.</p>
</main>
</body>
</html>
`;
}

interface Figure {
  id: string;
  label: string;
  /** A second, smaller line under the value (a share, a projection's basis). */
  detail?: boolean;
}

const FIGURES: readonly Figure[] = [
  { id: 'total-spend', label: 'Spend' },
  { id: 'total-saved-vs-strong', label: 'Saved vs all-strong', detail: true },
  { id: 'total-strong', label: 'All on the strong model' },
  { id: 'total-cache-saved', label: 'Result cache saved', detail: true },
  { id: 'total-projected-month', label: 'Projected this month', detail: true },
  { id: 'total-runs', label: 'Gate runs' },
  { id: 'total-calls', label: 'Model calls' },
  { id: 'total-cache-hit-ratio', label: 'Prompt cache hit ratio' },
];

// "Is quality holding?": one line each, filled by the script.
const QUALITY_FIGURES: readonly Figure[] = [
  { id: 'quality-verdicts', label: 'Verdicts' },
  { id: 'quality-findings-per-run', label: 'Findings per run' },
  { id: 'quality-agent-failures', label: 'Agent failures' },
  { id: 'quality-timeouts', label: 'Timeouts' },
  { id: 'quality-budget-stops', label: 'Budget stops' },
  { id: 'quality-rejection-rate', label: 'Verifier rejected' },
];

const QUALITY_CHARTS: readonly ChartSlot[] = [
  { id: 'chart-quality-findings', title: 'Findings per run by severity' },
  { id: 'chart-quality-verdicts', title: 'Verdicts per day' },
];

interface ChartSlot {
  id: string;
  title: string;
  wide?: boolean;
}

const CHARTS: readonly ChartSlot[] = [
  { id: 'chart-spend', title: 'Spend per day', wide: true },
  { id: 'chart-models', title: 'Model mix (dollars)' },
  { id: 'chart-tiers', title: 'Gate runs per tier' },
  { id: 'chart-cache', title: 'Prompt cache hit ratio per day' },
  { id: 'chart-findings', title: 'Findings by agent and severity' },
];

const WINDOWS_DAYS = [7, 30, 90];

const EVAL_COLUMNS = [
  { title: 'Repository', numeric: false },
  { title: 'Evaluated', numeric: false },
  { title: 'Arm', numeric: false },
  { title: 'Commits', numeric: true },
  { title: 'Recall k0', numeric: true },
  { title: 'k3', numeric: true },
  { title: 'k10', numeric: true },
  { title: 'Random k3', numeric: true },
  { title: 'Hit share', numeric: true },
  { title: 'Findings per clean commit', numeric: true },
  { title: 'Clean with a blocker', numeric: true },
  { title: 'Cost', numeric: true },
  { title: 'Budget-limited', numeric: false },
];

// Numbers align right, as their cells do.
const SLOW_RUN_COLUMNS = [
  { title: 'Repository', numeric: false },
  { title: 'PR', numeric: true },
  { title: 'Started (UTC)', numeric: false },
  { title: 'Head', numeric: false },
  { title: 'Tier', numeric: false },
  { title: 'Duration', numeric: true },
  { title: 'Cost', numeric: true },
  { title: 'Conclusion', numeric: false },
];

const REPOSITORY_COLUMNS = [
  { title: 'Repository', numeric: false },
  { title: 'Runs', numeric: true },
  { title: 'Spend', numeric: true },
  { title: 'Saved vs all-strong', numeric: true },
  { title: 'Blockers', numeric: true },
  { title: 'Warnings', numeric: true },
  { title: 'Notes', numeric: true },
  { title: 'Pass', numeric: true },
  { title: 'Fail', numeric: true },
  { title: 'Could not decide', numeric: true },
  { title: 'Slowest', numeric: true },
];

const BUDGET_COLUMNS = [
  { title: 'Cap', numeric: false },
  { title: 'Applies to', numeric: false },
  { title: 'Limit', numeric: true },
  { title: 'Spent', numeric: true },
  { title: 'Left', numeric: true },
  { title: 'Used', numeric: true },
  { title: 'Projected at window end', numeric: true },
];

/** The dashboard: a static shell; the served script fetches the summary and fills it (user data never passes through HTML). */
export function dashboardPage(): string {
  const figure = (f: Figure) =>
    `<div class="figure"><span class="figure-label">${escapeHtml(f.label)}</span><span class="figure-value" id="${f.id}">–</span>${f.detail ? `<span class="figure-detail" id="${f.id}-detail"></span>` : ''}</div>`;
  const figures = FIGURES.map(figure).join('\n');
  const chart = (c: ChartSlot) =>
    `<figure class="chart${c.wide ? ' wide' : ''}"><figcaption>${escapeHtml(c.title)}</figcaption><div class="canvas-box"><canvas id="${c.id}" role="img" aria-label="${escapeHtml(c.title)}"></canvas></div></figure>`;
  const charts = CHARTS.map(chart).join('\n');
  const windows = WINDOWS_DAYS.map((d) => `<option value="${d}">${d} days</option>`).join('');
  const header = (cols: ReadonlyArray<{ title: string; numeric: boolean }>) => cols.map((c) => `<th scope="col"${c.numeric ? ' class="number"' : ''}>${escapeHtml(c.title)}</th>`).join('');
  const columns = header(SLOW_RUN_COLUMNS);
  return `${head('riskgate · spend', [ASSET_PATHS.chart, ASSET_PATHS.script])}
<body>
<header>
<h1>riskgate spend</h1>
<span id="window-label" class="window-label"></span>
<label class="window">Window <select id="days">${windows}</select></label>
<form method="post" action="/dashboard/logout"><button type="submit">Sign out</button></form>
</header>
<p id="status" class="status" role="status">Loading…</p>
<section class="figures" aria-label="Totals">
${figures}
</section>
<section class="quality" id="quality" aria-labelledby="quality-title">
<h2 id="quality-title">Is quality holding?</h2>
<div class="quality-figures">
${QUALITY_FIGURES.map(figure).join('\n')}
</div>
<div class="quality-charts">
${QUALITY_CHARTS.map(chart).join('\n')}
</div>
</section>
<section class="budgets" id="budgets" hidden>
<h2>Budgets</h2>
<p class="hint">Each configured cap in its current UTC window, from the spend ledger; projected linearly to the window's end. Alerts: <code>riskgate_budget_used_ratio</code> on /metrics.</p>
<table id="budget-caps">
<thead><tr>${header(BUDGET_COLUMNS)}</tr></thead>
<tbody></tbody>
</table>
<p class="hint" id="budget-unmeasured"></p>
</section>
<section class="charts">
${charts}
</section>
<section class="repositories">
<h2>Repositories</h2>
<table id="repositories">
<thead><tr>${header(REPOSITORY_COLUMNS)}</tr></thead>
<tbody></tbody>
</table>
</section>
<section class="slowest">
<h2>Slowest runs</h2>
<table id="slowest-runs">
<thead><tr>${columns}</tr></thead>
<tbody></tbody>
</table>
</section>
<section class="evals" id="evals" hidden>
<h2>Findings evaluations</h2>
<p class="hint">The latest <code>riskgate eval findings</code> of each repository: recall is the share of its bug-introducing commits with a finding within k lines of a line the later fix changed; random, what as many findings on random added lines would score.</p>
<table id="eval-reports">
<thead><tr>${header(EVAL_COLUMNS)}</tr></thead>
<tbody></tbody>
</table>
</section>
</body>
</html>
`;
}
