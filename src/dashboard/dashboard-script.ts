/**
 * The dashboard's browser script, served as a file (the CSP allows no inline script). Plain
 * JavaScript for the browser, kept as a string so the App needs no bundler and no asset copying.
 * It fetches the summary and fills the page with textContent and Chart.js canvases only: the data
 * (repository names, agents, models) never becomes HTML. It marks `<body data-ready>` when drawn.
 */
export const DASHBOARD_SCRIPT = String.raw`'use strict';
(() => {
  const SUMMARY_URL = '/dashboard/api/summary';
  const LOGIN_URL = '/dashboard/login';
  const DEFAULT_DAYS = 30;
  const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  const TIER_COLORS = { minimal: '#9ecae1', standard: '#6baed6', thorough: '#2171b5', full: '#08306b' };
  const SEVERITY_COLORS = { blocker: '#cf222e', warning: '#f28e2b', note: '#4e79a7' };
  const SEVERITIES = ['blocker', 'warning', 'note'];
  const COLORS = { spend: '#4e79a7', strong: '#e15759', saved: '#59a14f', ratio: '#76b7b2' };

  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
  const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
  const integer = new Intl.NumberFormat('en-US');

  const byId = (id) => document.getElementById(id);
  const setText = (id, value) => { byId(id).textContent = value; };
  const seconds = (ms) => (ms / 1000).toFixed(1) + ' s';

  function requestedDays() {
    const days = Number(new URLSearchParams(location.search).get('days'));
    return Number.isInteger(days) && days > 0 ? days : DEFAULT_DAYS;
  }

  function draw(id, config) {
    // No animation: the page is read once drawn (and screenshots catch the final state).
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options);
    return new Chart(byId(id), config);
  }

  const moneyTooltip = { callbacks: { label: (c) => c.dataset.label + ': ' + money.format(c.parsed.y) } };

  function fillTotals(summary) {
    const t = summary.totals;
    setText('total-spend', money.format(t.usd));
    setText('total-saved-vs-strong', money.format(t.savedVsStrongUsd));
    setText('total-strong', money.format(t.strongUsd));
    setText('total-cache-saved', money.format(t.cacheSavedUsd));
    setText('total-runs', integer.format(t.runs) + (summary.runsTruncated ? '+' : ''));
    setText('total-calls', integer.format(t.calls));
    setText('total-cache-hit-ratio', percent.format(t.cacheHitRatio));
    setText('window-label', 'since ' + summary.since + ' (UTC)');
  }

  function drawCharts(summary) {
    const days = summary.daily.map((d) => d.day.slice(5));
    draw('chart-spend', {
      type: 'bar',
      data: {
        labels: days,
        datasets: [
          { label: 'Spend', data: summary.daily.map((d) => d.usd), backgroundColor: COLORS.spend, order: 2 },
          { label: 'Result cache saved', data: summary.daily.map((d) => d.savedUsd), backgroundColor: COLORS.saved, order: 3 },
          { type: 'line', label: 'All on the strong model', data: summary.daily.map((d) => d.strongUsd), borderColor: COLORS.strong, backgroundColor: COLORS.strong, pointRadius: 2, order: 1 },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { callback: (v) => money.format(v) } } }, plugins: { tooltip: moneyTooltip } },
    });
    draw('chart-models', {
      type: 'doughnut',
      data: {
        // Dollars and calls in the legend: readable without hovering.
        labels: summary.models.map((m) => m.model + ' · ' + (m.local ? 'local' : money.format(m.usd)) + ' · ' + integer.format(m.calls) + (m.calls === 1 ? ' call' : ' calls')),
        datasets: [{ label: 'Spend', data: summary.models.map((m) => m.usd), backgroundColor: summary.models.map((_, i) => PALETTE[i % PALETTE.length]) }],
      },
      options: {
        plugins: {
          legend: { position: 'right' },
          tooltip: { callbacks: { label: (c) => c.label } },
        },
      },
    });
    draw('chart-tiers', {
      type: 'bar',
      data: {
        labels: summary.tiers.map((t) => t.tier),
        datasets: [{ label: 'Runs', data: summary.tiers.map((t) => t.runs), backgroundColor: summary.tiers.map((t) => TIER_COLORS[t.tier] || PALETTE[0]) }],
      },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    draw('chart-cache', {
      type: 'line',
      data: {
        labels: days,
        // A day without calls has no ratio: a gap, not a misleading 0 %.
        datasets: [{ label: 'Hit ratio', data: summary.daily.map((d) => (d.calls > 0 ? d.cacheHitRatio * 100 : null)), borderColor: COLORS.ratio, backgroundColor: COLORS.ratio, pointRadius: 3, spanGaps: true }],
      },
      options: {
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => c.parsed.y.toFixed(1) + ' %' } } },
        scales: { y: { min: 0, max: 100, ticks: { callback: (v) => v + ' %' } } },
      },
    });
    draw('chart-findings', {
      type: 'bar',
      data: {
        labels: summary.findings.map((f) => f.agent),
        datasets: SEVERITIES.map((s) => ({ label: s, data: summary.findings.map((f) => f[s]), backgroundColor: SEVERITY_COLORS[s] })),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  function fillSlowestRuns(runs) {
    const body = byId('slowest-runs').tBodies[0];
    body.replaceChildren();
    const cell = (row, value, className) => {
      const td = row.insertCell();
      td.textContent = value;
      if (className) td.className = className;
    };
    if (runs.length === 0) {
      const row = body.insertRow();
      cell(row, 'No finished runs in this window.', 'empty');
      row.cells[0].colSpan = 7;
      return;
    }
    for (const run of runs) {
      const row = body.insertRow();
      cell(row, run.repository);
      cell(row, '#' + run.pullNumber, 'number');
      cell(row, run.headSha, 'sha');
      cell(row, run.tier);
      cell(row, seconds(run.durationMs), 'number');
      cell(row, money.format(run.usd), 'number');
      cell(row, run.conclusion);
    }
  }

  function fillEvalReports(reports) {
    // Shown only when some repository has an eval recorded.
    if (!reports || reports.length === 0) return;
    const body = byId('eval-reports').tBodies[0];
    body.replaceChildren();
    const share = (value) => (value === null ? '-' : percent.format(value));
    for (const report of reports) {
      for (const arm of report.arms) {
        const row = body.insertRow();
        const cell = (value, className) => {
          const td = row.insertCell();
          td.textContent = value;
          if (className) td.className = className;
        };
        cell(report.repository);
        cell(new Date(report.at).toISOString().slice(0, 10));
        cell(arm.name);
        cell(arm.commits + '/' + arm.sampled, 'number');
        cell(share(arm.recall.k0), 'number');
        cell(share(arm.recall.k3), 'number');
        cell(share(arm.recall.k10), 'number');
        cell(share(arm.randomRecallK3), 'number');
        cell(share(arm.hitShare), 'number');
        cell(arm.findingsPerCleanCommit === null ? '-' : arm.findingsPerCleanCommit.toFixed(2), 'number');
        cell(share(arm.cleanWithBlocker), 'number');
        cell(money.format(arm.costUsd), 'number');
        cell(arm.budgetLimited ? 'yes' : 'no');
      }
    }
    byId('evals').hidden = false;
  }

  async function load() {
    const days = requestedDays();
    const select = byId('days');
    if (![...select.options].some((o) => Number(o.value) === days)) select.add(new Option(days + ' days', String(days)));
    select.value = String(days);
    select.addEventListener('change', () => { location.search = '?days=' + encodeURIComponent(select.value); });

    const response = await fetch(SUMMARY_URL + '?days=' + days, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (response.status === 401) {
      location.assign(LOGIN_URL);
      return;
    }
    if (!response.ok) throw new Error('the summary answered ' + response.status);
    const summary = await response.json();
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = '#1f2328';
    fillTotals(summary);
    drawCharts(summary);
    fillSlowestRuns(summary.slowestRuns);
    fillEvalReports(summary.evalReports);
    setText('status', '');
    byId('status').hidden = true;
    requestAnimationFrame(() => { document.body.dataset.ready = 'true'; });
  }

  load().catch((error) => {
    const status = byId('status');
    status.textContent = 'The dashboard could not load: ' + (error && error.message ? error.message : String(error));
    status.classList.add('error');
    document.body.dataset.ready = 'error';
  });
})();
`;
