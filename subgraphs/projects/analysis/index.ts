// Public API of the measure analysis module (pure functions; see each file's header for the rules,
// their sources and the choices made where the guidance is silent or could not be re-checked).
export type { DataPoint, ImprovementDirection, NotAnalysed, Side } from "./types.ts";
export { checkSpacing, SPACING_TOLERANCE, type SpacingCheck } from "./spacing.ts";
export {
  analyseRunChart,
  countRuns,
  RUNS_LIMITS,
  RUN_CHART_MIN_USEFUL_POINTS,
  SHIFT_LENGTH,
  TREND_LENGTH,
  type RunChartAnalysis,
  type RunChartOptions,
  type RunChartPoint,
  type RunChartResult,
  type RunChartRule,
} from "./run-chart.ts";
export {
  analyseXmr,
  assuranceFor,
  variationIconFor,
  xmrLimits,
  XMR_LIMIT_FACTOR,
  XMR_MIN_POINTS,
  XMR_RUN_LENGTH,
  XMR_TREND_LENGTH,
  type Assurance,
  type PointClassification,
  type SignalDirection,
  type VariationIcon,
  type XmrAnalysis,
  type XmrLimits,
  type XmrOptions,
  type XmrPhase,
  type XmrPoint,
  type XmrResult,
  type XmrRule,
} from "./xmr.ts";
