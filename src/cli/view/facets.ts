/** The distinct values a run's filters can take (from its rollouts in data.ts, or from its counts in counts.ts). */
export interface RunFacets {
  models: string[];
  scenarios: string[];
  conditions: string[];
  behaviours: string[];
}
