// What a scenario is and what it hands back to the runner (printed, and written to the report).

export interface TargetCheck {
  name: string;
  target: string;
  value: string;
  met: boolean | null;
}

export interface ScenarioResult {
  id: number;
  title: string;
  figures: Record<string, unknown>;
  targets: TargetCheck[];
  notes: string[];
  seconds?: number;
  /** 1-minute load average before and after the scenario. */
  load_average?: number[];
  error?: string;
}

export interface Context {
  quick: boolean;
  postgres: boolean;
  log(line: string): void;
  /** Results of the scenarios already run (scenario 1 is the baseline of 2 and 3). */
  results: Map<number, ScenarioResult>;
}

export interface Scenario {
  id: number;
  title: string;
  /** Hard bound: the runner abandons the scenario (and kills its hosts) after this. */
  budgetSeconds(quick: boolean): number;
  run(ctx: Context, result: ScenarioResult): Promise<void>;
}

export const fmt = (n: number | null, digits = 0): string =>
  typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—';

export const pct = (ratio: number): string => `${fmt(ratio * 100, 1)} %`;
