import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PrometheusMetrics } from '../../src/metrics/prometheus-metrics.js';

const RULES = 'deploy/prometheus/riskgate-rules.yml';
const RULES_TEST = 'deploy/prometheus/riskgate-rules.test.yml';
// Debian's package (apt-get install -y prometheus) puts it here.
const PROMTOOL = '/usr/bin/promtool';

interface Rule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

describe('the example budget alerting rules', () => {
  it('alert at 70%, 85% and 100% of the ratio riskgate exports, each with a severity', async () => {
    const file = parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> };
    const rules = file.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => [r.alert, r.expr, r.labels.severity, r.labels.threshold])).toEqual([
      ['RiskgateBudgetAt70Percent', 'riskgate_budget_used_ratio >= 0.7', 'info', '70%'],
      ['RiskgateBudgetAt85Percent', 'riskgate_budget_used_ratio >= 0.85', 'warning', '85%'],
      ['RiskgateBudgetExhausted', 'riskgate_budget_used_ratio >= 1', 'critical', '100%'],
    ]);
    for (const rule of rules) expect(rule.annotations.summary).toContain('{{ $labels.scope }}');
    // The metric the rules watch is the one riskgate serves, with the labels they name.
    const metrics = new PrometheusMetrics(async () => ({ queued: 0, running: 0, completed: 0, failed: 0, superseded: 0 }), async () => [{ scope: 'repository', period: 'day', ratio: 0.5 }]);
    expect(await metrics.metrics()).toMatch(/^riskgate_budget_used_ratio\{scope="repository",period="day"\} 0\.5$/m);
  });

  it.skipIf(!existsSync(PROMTOOL))('pass promtool check rules and the promtool unit tests', () => {
    expect(execFileSync(PROMTOOL, ['check', 'rules', RULES], { encoding: 'utf8' })).toMatch(/SUCCESS: 3 rules found/);
    expect(execFileSync(PROMTOOL, ['test', 'rules', RULES_TEST], { encoding: 'utf8' })).toMatch(/SUCCESS/);
  });
});
