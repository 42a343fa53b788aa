/**
 * The dashboard's browser script, served as a file (the CSP allows no inline script). Plain
 * JavaScript for the browser, kept as a string so the App needs no bundler and no asset copying.
 * It fetches the summary and fills the page with textContent and Chart.js canvases only: the data
 * (repository names, agents, models) never becomes HTML. It marks `<body data-ready>` when drawn.
 */
import { formatDollars } from '../report/format-amounts.js';

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

  // Money in the one format every report uses: format-amounts.ts's own source.
  const formatDollars = ${formatDollars.toString()};
  const money = { format: formatDollars };
  const VERDICT_COLORS = { pass: '#59a14f', fail: '#cf222e', undecided: '#bab0ac' };
  const VERDICT_LABELS = { pass: 'pass', fail: 'fail', undecided: 'could not decide' };
  const VERDICTS = ['pass', 'fail', 'undecided'];
  const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
  const integer = new Intl.NumberFormat('en-US');

  const byId = (id) => document.getElementById(id);
  const setText = (id, value) => { byId(id).textContent = value; };
  const seconds = (ms) => (ms / 1000).toFixed(1) + ' s';
  const plural = (n, word) => integer.format(n) + ' ' + word + (n === 1 ? '' : 's');

  function addCell(row, value, className) {
    const td = row.insertCell();
    td.textContent = value;
    if (className) td.className = className;
    return td;
  }

  function emptyRow(body, text, columns) {
    const row = body.insertRow();
    addCell(row, text, 'empty').colSpan = columns;
  }

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
    setText('total-saved-vs-strong-detail', percent.format(t.savedVsStrongRatio) + ' of all-strong');
    setText('total-strong', money.format(t.strongUsd));
    setText('total-cache-saved', money.format(t.cacheSavedUsd));
    setText('total-cache-saved-detail', percent.format(t.cacheSavedRatio) + ' of what it would have cost');
    setText('total-projected-month', money.format(summary.budgets.projectedMonthUsd));
    setText('total-projected-month-detail', money.format(summary.budgets.monthToDateUsd) + ' so far');
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

  function fillQuality(quality) {
    const t = quality.totals;
    setText('quality-verdicts', VERDICTS.map((v) => integer.format(t[v]) + ' ' + VERDICT_LABELS[v]).join(' · '));
    setText('quality-findings-per-run', t.completed === 0 ? '-' : SEVERITIES.map((s) => (t.findings[s] / t.completed).toFixed(2) + ' ' + s).join(' · '));
    setText('quality-agent-failures', integer.format(t.agentFailures));
    setText('quality-timeouts', integer.format(t.timeouts));
    setText('quality-budget-stops', plural(t.budgetStops, 'run'));
    setText('quality-rejection-rate', t.checked === 0 ? '- (nothing re-checked)' : percent.format(t.rejected / t.checked) + ' of ' + integer.format(t.checked));
    const days = quality.daily.map((d) => d.day.slice(5));
    draw('chart-quality-findings', {
      type: 'bar',
      data: {
        labels: days,
        // A day without a completed run has no rate: a gap, not a misleading 0.
        datasets: SEVERITIES.map((s) => ({ label: s, data: quality.daily.map((d) => (d.completed > 0 ? d.findings[s] / d.completed : null)), backgroundColor: SEVERITY_COLORS[s] })),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
    draw('chart-quality-verdicts', {
      type: 'bar',
      data: {
        labels: days,
        datasets: VERDICTS.map((v) => ({ label: VERDICT_LABELS[v], data: quality.daily.map((d) => d[v]), backgroundColor: VERDICT_COLORS[v] })),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  function capName(cap) {
    if (cap.name === '') return 'nothing spent yet';
    return cap.scope === 'installation' ? 'installation ' + cap.name : cap.name;
  }

  function fillBudgets(budgets) {
    if (budgets.caps.length === 0 && budgets.unmeasured.length === 0) return;
    const body = byId('budget-caps').tBodies[0];
    body.replaceChildren();
    if (budgets.caps.length === 0) emptyRow(body, 'Only per-author caps are set.', 7);
    for (const cap of budgets.caps) {
      const row = body.insertRow();
      // JSON has no Infinity: spending against a zero limit comes back as null.
      const ratio = cap.usedRatio;
      addCell(row, cap.scope + ' · ' + (cap.window === 'day' ? 'daily' : 'monthly'));
      addCell(row, capName(cap));
      addCell(row, money.format(cap.limitUsd), 'number');
      addCell(row, money.format(cap.spentUsd), 'number');
      addCell(row, money.format(cap.leftUsd), 'number');
      addCell(row, ratio === null ? 'over' : percent.format(ratio), 'number' + (ratio === null || ratio >= 1 ? ' over' : ratio >= 0.7 ? ' near' : ''));
      addCell(row, money.format(cap.projectedUsd), 'number' + (cap.projectedUsd > cap.limitUsd ? ' over' : ''));
    }
    setText('budget-unmeasured', budgets.unmeasured.map((u) => 'Each author without write access: ' + money.format(u.limitUsd) + ' a ' + u.window + ' (applied when their run starts; not broken down here).').join(' '));
    byId('budgets').hidden = false;
  }

  function fillRepositories(repositories) {
    const body = byId('repositories').tBodies[0];
    body.replaceChildren();
    if (repositories.length === 0) {
      emptyRow(body, 'No runs or calls in this window.', 11);
      return;
    }
    for (const r of repositories) {
      const row = body.insertRow();
      addCell(row, r.repository);
      addCell(row, integer.format(r.runs), 'number');
      addCell(row, money.format(r.usd), 'number');
      addCell(row, money.format(r.savedVsStrongUsd), 'number');
      for (const s of SEVERITIES) addCell(row, integer.format(r.findings[s]), 'number');
      for (const v of VERDICTS) addCell(row, integer.format(r[v]), 'number');
      addCell(row, r.slowestMs === null ? '-' : seconds(r.slowestMs), 'number');
    }
  }

  function fillSlowestRuns(runs) {
    const body = byId('slowest-runs').tBodies[0];
    body.replaceChildren();
    const cell = (row, value, className) => addCell(row, value, className);
    if (runs.length === 0) {
      emptyRow(body, 'No finished runs in this window.', 8);
      return;
    }
    for (const run of runs) {
      const row = body.insertRow();
      cell(row, run.repository);
      const pr = cell(row, '', 'number');
      const link = document.createElement('a');
      link.textContent = '#' + run.pullNumber;
      // Built by the server from the store's names; only a web address becomes a link.
      if (/^https?:\/\//.test(run.checksUrl)) link.href = run.checksUrl;
      link.title = 'Checks of the pull request';
      pr.append(link);
      cell(row, new Date(run.startedAt).toISOString().slice(0, 16).replace('T', ' '));
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
    fillQuality(summary.quality);
    fillBudgets(summary.budgets);
    drawCharts(summary);
    fillRepositories(summary.repositories);
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
