/**
 * Penalised logistic regression for calibrating risk factors against bug labels:
 * Newton-Raphson (IRLS) on mean(log-loss) + lambda/2 * ||w||^2, with an active-set method when
 * some weights must stay non-negative (a factor that may only ever add risk).
 */

export interface LogisticFitOptions {
  /** L2 penalty on the weights (never the intercept), applied to the MEAN log-loss: loss = mean(logloss) + lambda/2 * ||w||^2 */
  lambda: number;
  /** Per feature: true means the weight is constrained to be >= 0. Omitted = all free. */
  nonNegative?: readonly boolean[];
  /** Optional per-row weights (default 1). */
  rowWeights?: readonly number[];
  maxIterations?: number; // default 50
  tolerance?: number;     // default 1e-8 on the max abs Newton step
}

export interface LogisticFit {
  intercept: number;
  weights: number[];
  iterations: number;
  converged: boolean;
  /** Mean log-loss on the training rows at the solution (without the penalty). */
  logLoss: number;
}

/**
 * Added to the Newton system's diagonal (relative to its largest entry) so Cholesky survives
 * collinear features when lambda is 0. It shapes the step only: the solution is still where the
 * gradient is zero.
 */
const RIDGE = 1e-9;
/** A step halved this often without lowering the loss is lost in rounding. */
const MAX_HALVINGS = 40;

/** 1 / (1 + e^-x), computed from e^-|x| so neither tail overflows or turns into NaN. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function predictLogit(fit: Pick<LogisticFit, 'intercept' | 'weights'>, row: readonly number[]): number {
  if (row.length !== fit.weights.length) {
    throw new Error(`row has ${row.length} features; the fit has ${fit.weights.length}`);
  }
  let z = fit.intercept;
  for (let j = 0; j < row.length; j++) z += fit.weights[j]! * row[j]!;
  return z;
}

/**
 * `maxIterations` caps the Newton steps between changes of the active set (each clamp or re-free
 * starts a fresh allowance); `iterations` reports all steps taken. Without `nonNegative` there is
 * a single round, so the cap is simply the number of steps.
 */
export function fitLogistic(
  rows: readonly (readonly number[])[],
  labels: readonly boolean[],
  options: LogisticFitOptions,
): LogisticFit {
  const problem = buildProblem(rows, labels, options);
  const { m } = problem;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-8;
  if (!(tolerance > 0)) throw new Error(`tolerance must be positive, got ${tolerance}`);
  // Column 0 is the intercept, which is never constrained.
  const constrained = [false, ...(options.nonNegative ?? new Array<boolean>(m - 1).fill(false))];
  const free = new Array<boolean>(m).fill(true);

  // Start at the intercept-only optimum: feasible, and the exact answer when the features say nothing.
  const theta = new Float64Array(m);
  let positiveShare = 0;
  for (let i = 0; i < problem.n; i++) positiveShare += problem.r[i]! * problem.y[i]!;
  theta[0] = Math.log(positiveShare / (1 - positiveShare));

  let loss = objective(problem, theta);
  let iterations = 0;
  let roundSteps = 0;
  let activeSetChanges = 0;
  // Every change lowers the loss or frees a weight with a descent direction, so sets cannot
  // repeat in exact arithmetic; the cap only stops a rounding-level loop.
  const maxActiveSetChanges = 10 * m;
  let converged = false;

  for (;;) {
    const system = newtonSystem(problem, theta, free);
    const step = solveNewton(system.hessian, system.gradient, system.index);
    let stepSize = 0;
    for (const s of step) stepSize = Math.max(stepSize, Math.abs(s));

    if (stepSize < tolerance) {
      // Optimal for this free set; KKT also needs every clamped gradient to point away from zero.
      const refree = mostPromisingClamped(system.gradient, system.curvature, free, tolerance);
      if (refree === -1) {
        converged = true;
        break;
      }
      if (++activeSetChanges > maxActiveSetChanges) break;
      free[refree] = true;
      roundSteps = 0;
      continue;
    }
    if (roundSteps >= maxIterations) break;

    // Shorten the step so no constrained weight goes below zero; the first to reach zero is clamped.
    let alpha = 1;
    let blocking = -1;
    system.index.forEach((j, a) => {
      const s = step[a]!;
      if (constrained[j] && s < 0 && theta[j]! / -s < alpha) {
        alpha = theta[j]! / -s;
        blocking = j;
      }
    });

    // Halve until the penalised loss does not increase.
    const trial = new Float64Array(m);
    let accepted = false;
    for (let h = 0; h <= MAX_HALVINGS && !accepted; h++) {
      trial.set(theta);
      system.index.forEach((j, a) => {
        const moved = trial[j]! + alpha * step[a]!;
        trial[j] = constrained[j] ? Math.max(0, moved) : moved; // rounding must not leave -1e-20
      });
      if (blocking !== -1) trial[blocking] = 0;
      const trialLoss = objective(problem, trial);
      if (trialLoss <= loss) {
        theta.set(trial);
        loss = trialLoss;
        accepted = true;
      } else {
        alpha /= 2;
        blocking = -1; // a shorter step stops before the boundary
      }
    }
    iterations++;
    roundSteps++;
    if (!accepted) break; // no step lowers the loss in floating point, yet the step is not small
    if (blocking !== -1) {
      free[blocking] = false;
      roundSteps = 0;
      if (++activeSetChanges > maxActiveSetChanges) break;
    }
  }

  return {
    intercept: theta[0]!,
    weights: Array.from(theta.subarray(1)),
    iterations,
    converged,
    logLoss: meanLogLoss(problem, theta),
  };
}

interface Problem {
  n: number;
  /** Columns including the intercept's. */
  m: number;
  /** n x m, row-major; column 0 is all ones. */
  x: Float64Array;
  y: Float64Array;
  /** Row weights scaled to sum to 1, so every sum below is already a (weighted) mean. */
  r: Float64Array;
  lambda: number;
}

function buildProblem(
  rows: readonly (readonly number[])[],
  labels: readonly boolean[],
  options: LogisticFitOptions,
): Problem {
  const n = rows.length;
  if (n === 0) throw new Error('fitLogistic: no rows to fit');
  if (labels.length !== n) throw new Error(`fitLogistic: ${labels.length} labels for ${n} rows`);
  const d = rows[0]!.length;
  const m = d + 1;
  const { lambda, nonNegative, rowWeights } = options;
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new Error(`fitLogistic: lambda must be finite and >= 0, got ${lambda}`);
  if (nonNegative && nonNegative.length !== d) {
    throw new Error(`fitLogistic: nonNegative has ${nonNegative.length} entries for ${d} features`);
  }
  if (rowWeights && rowWeights.length !== n) {
    throw new Error(`fitLogistic: rowWeights has ${rowWeights.length} entries for ${n} rows`);
  }

  const x = new Float64Array(n * m);
  const y = new Float64Array(n);
  const r = new Float64Array(n);
  let weightTotal = 0;
  let positiveWeight = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (row.length !== d) throw new Error(`fitLogistic: row ${i} has ${row.length} features, row 0 has ${d}`);
    x[i * m] = 1;
    for (let j = 0; j < d; j++) {
      const v = row[j]!;
      if (!Number.isFinite(v)) throw new Error(`fitLogistic: row ${i} feature ${j} is ${v}`);
      x[i * m + j + 1] = v;
    }
    const w = rowWeights ? rowWeights[i]! : 1;
    if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`fitLogistic: row weight ${i} is ${w}`);
    r[i] = w;
    weightTotal += w;
    if (labels[i]) {
      y[i] = 1;
      positiveWeight += w;
    }
  }
  // Zero-weight rows do not count: with one class the loss has no minimum (the intercept runs off).
  if (positiveWeight === 0 || positiveWeight === weightTotal) {
    throw new Error(
      `fitLogistic: labels are all one class (all ${positiveWeight === 0 ? 'false' : 'true'}` +
        `${rowWeights ? ' among rows with positive weight' : ''}); both classes are needed`,
    );
  }
  for (let i = 0; i < n; i++) r[i] = r[i]! / weightTotal;
  return { n, m, x, y, r, lambda };
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

function meanLogLoss(problem: Problem, theta: Float64Array): number {
  const { n, m, x, y, r } = problem;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < m; j++) z += x[i * m + j]! * theta[j]!;
    total += r[i]! * (softplus(z) - y[i]! * z);
  }
  return total;
}

function objective(problem: Problem, theta: Float64Array): number {
  let squares = 0;
  for (let j = 1; j < problem.m; j++) squares += theta[j]! * theta[j]!;
  return meanLogLoss(problem, theta) + (problem.lambda / 2) * squares;
}

interface NewtonSystem {
  /** Free columns, in order; the Hessian's rows and columns follow it. */
  index: number[];
  /** Penalised gradient for every column (clamped ones too, for the KKT check). */
  gradient: Float64Array;
  /** The Hessian's diagonal for every column. */
  curvature: Float64Array;
  /** Lower triangle of the penalised Hessian on the free columns, k x k row-major. */
  hessian: Float64Array;
}

function newtonSystem(problem: Problem, theta: Float64Array, free: readonly boolean[]): NewtonSystem {
  const { n, m, x, y, r, lambda } = problem;
  const index = free.flatMap((f, j) => (f ? [j] : []));
  const k = index.length;
  const gradient = new Float64Array(m);
  const curvature = new Float64Array(m);
  const hessian = new Float64Array(k * k);
  const freeValues = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const base = i * m;
    let z = 0;
    for (let j = 0; j < m; j++) z += x[base + j]! * theta[j]!;
    const e = Math.exp(-Math.abs(z));
    const p = z >= 0 ? 1 / (1 + e) : e / (1 + e);
    const residual = r[i]! * (p - y[i]!);
    const s = (r[i]! * e) / ((1 + e) * (1 + e)); // r * p(1-p), without the cancellation of 1 - p
    for (let j = 0; j < m; j++) {
      const v = x[base + j]!;
      gradient[j] = gradient[j]! + residual * v;
      curvature[j] = curvature[j]! + s * v * v;
    }
    for (let a = 0; a < k; a++) freeValues[a] = x[base + index[a]!]!;
    for (let a = 0; a < k; a++) {
      const sa = s * freeValues[a]!;
      const rowStart = a * k;
      for (let b = 0; b <= a; b++) hessian[rowStart + b] = hessian[rowStart + b]! + sa * freeValues[b]!;
    }
  }
  for (let j = 1; j < m; j++) {
    gradient[j] = gradient[j]! + lambda * theta[j]!;
    curvature[j] = curvature[j]! + lambda;
  }
  index.forEach((j, a) => {
    if (j !== 0) hessian[a * k + a] = hessian[a * k + a]! + lambda;
  });
  return { index, gradient, curvature, hessian };
}

/** -H^-1 g on the free columns, raising the ridge if rounding leaves H short of positive definite. */
function solveNewton(hessian: Float64Array, gradient: Float64Array, index: readonly number[]): Float64Array {
  const k = index.length;
  const rhs = Float64Array.from(index, (j) => -gradient[j]!);
  let largestDiagonal = 1;
  for (let a = 0; a < k; a++) largestDiagonal = Math.max(largestDiagonal, hessian[a * k + a]!);
  for (let ridge = RIDGE; ridge <= 1; ridge *= 1000) {
    const shifted = Float64Array.from(hessian);
    for (let a = 0; a < k; a++) shifted[a * k + a] = shifted[a * k + a]! + ridge * largestDiagonal;
    const solution = solveSymmetric(shifted, rhs, k);
    if (solution) return solution;
  }
  throw new Error('fitLogistic: the Newton system is not positive definite (non-finite features?)');
}

/**
 * Solves A x = b by Cholesky for a symmetric positive-definite k x k A (row-major, lower
 * triangle read). Null when a pivot is not positive.
 */
function solveSymmetric(a: Float64Array, b: Float64Array, k: number): Float64Array | null {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * k + j]!;
      for (let t = 0; t < j; t++) sum -= l[i * k + t]! * l[j * k + t]!;
      if (i === j) {
        if (!(sum > 0)) return null;
        l[i * k + i] = Math.sqrt(sum);
      } else {
        l[i * k + j] = sum / l[j * k + j]!;
      }
    }
  }
  const solution = Float64Array.from(b);
  for (let i = 0; i < k; i++) {
    let sum = solution[i]!;
    for (let t = 0; t < i; t++) sum -= l[i * k + t]! * solution[t]!;
    solution[i] = sum / l[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let sum = solution[i]!;
    for (let t = i + 1; t < k; t++) sum -= l[t * k + i]! * solution[t]!;
    solution[i] = sum / l[i * k + i]!;
  }
  return solution;
}

/**
 * The clamped weight whose one-coordinate Newton step (-g / H_jj, positive only when the gradient
 * says raising it lowers the loss) is largest and above the tolerance, or -1 when KKT holds.
 */
function mostPromisingClamped(
  gradient: Float64Array,
  curvature: Float64Array,
  free: readonly boolean[],
  tolerance: number,
): number {
  let best = -1;
  let bestStep = tolerance;
  free.forEach((isFree, j) => {
    if (isFree || !(gradient[j]! < 0)) return;
    const step = -gradient[j]! / curvature[j]!;
    if (step >= bestStep) {
      best = j;
      bestStep = step;
    }
  });
  return best;
}
