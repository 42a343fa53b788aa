import { diffFeatures, FEATURES, type FeatureValues, type HistoryFeatures } from '../calibrate/change-features.js';
import { logitTerms } from '../calibrate/fit-risk-model.js';
import type { ModelVariant, RiskModel } from '../calibrate/risk-model-file.js';
import { compileFixRules, isFixMessage } from '../history/find-fixes.js';
import { changeKindFamily } from './factors/change-kind.js';
import { testsFamily } from './factors/tests.js';
import type { FamilySettings, RiskFactor, RiskInput } from './risk-factor.js';

/** The default families a calibrated model stands in for; every other family still adds on top. */
export const MODEL_REPLACES_FAMILIES: ReadonlySet<string> = new Set(['size', 'spread', 'kind', 'tests']);
/** Likewise single factors of a kept family: the bug-fix wording is the model's `fix` feature. */
export const MODEL_REPLACES_FACTORS: ReadonlySet<string> = new Set(['text.bug-fix']);

const round1 = (n: number) => Math.round(n * 10) / 10;
const LABELS = new Map(FEATURES.map((f) => [f.id, f]));

function shown(id: string, value: number): string {
  if (id === 'fix') return value > 0 ? 'yes' : 'no';
  if (id === 'entropy') return value.toFixed(2);
  return String(Math.round(value));
}

/** What the average change of the training history had, in the feature's own units. */
function typical(feature: ModelVariant['features'][number]): string {
  const definition = LABELS.get(feature.id)!;
  const value = definition.log ? Math.expm1(feature.mean) : feature.mean;
  return shown(feature.id, value);
}

export interface CalibratedFactors {
  /** The model's factors for a change: the baseline, one per feature, and the floor when needed. */
  evaluate(input: RiskInput): { factors: RiskFactor[]; inputs: ModelVariant['inputs'] };
  readonly model: RiskModel;
}

/**
 * A calibrated model's share of the score. Each feature's points are its exact share of the
 * model's log-odds on the default score's scale, so the factors add up to what the model says.
 * The model's part never goes below zero (a floor factor makes up the difference), and it never
 * touches the families that add on top: a model can reorder changes, not hide a secret.
 */
export function createCalibratedFactors(model: RiskModel, settings: FamilySettings): CalibratedFactors {
  const fixRules = compileFixRules({
    fix_patterns: model.labelling.fixPatterns,
    issue_patterns: model.labelling.issuePatterns,
    fix_when: model.labelling.fixWhen,
  });
  const families = { kind: changeKindFamily(settings), tests: testsFamily(settings) };
  return {
    model,
    evaluate(input) {
      const variant = input.history ? model.variants.history : model.variants.diff;
      const text = [input.text?.title, input.text?.body].filter(Boolean).join('\n');
      const noHistory: HistoryFeatures = { lt: 0, ndev: 0, nuc: 0, age: 0, exp: 0, sexp: 0 };
      const values: FeatureValues = {
        ...diffFeatures(input.diff, families, input.patternPaths),
        ...(input.history ?? noHistory),
        fix: text !== '' && isFixMessage(text, fixRules) ? 1 : 0,
      };
      const factors: RiskFactor[] = [
        {
          id: 'model.baseline',
          points: round1(variant.points.base),
          reason: `a typical change in this repository's history (calibrated on ${model.counts.trainingCommits} commits up to ${model.window.until.slice(0, 10)})`,
          evidence: [],
        },
      ];
      const fitted = new Map(variant.features.map((f) => [f.id, f]));
      for (const { id, term } of logitTerms(variant, values)) {
        const points = round1(term * variant.points.perLogit);
        if (points === 0) continue;
        const feature = fitted.get(id)!;
        factors.push({
          id: `model.${id}`,
          points,
          reason: `${LABELS.get(id)!.label}: ${shown(id, values[id])} (typical here: ${typical(feature)})`,
          evidence: [],
        });
      }
      const total = factors.reduce((sum, f) => sum + f.points, 0);
      if (total < 0) {
        factors.push({ id: 'model.floor', points: round1(-total), reason: "the model's part of the score never goes below zero", evidence: [] });
      }
      return { factors, inputs: variant.inputs };
    },
  };
}
