/**
 * CONSENT_ENFORCEMENT exists so a benchmark can measure what enforcement
 * costs. Off, every gated field resolves for anyone, so the switch must never
 * reach production: it is refused there, like FAULT_INJECTION. The bench runs
 * its enforcement-off graph with NODE_ENV=test instead (README, Benchmarks).
 */
export const CONSENT_ENFORCEMENT_SETTINGS = ['on', 'disabled-for-benchmark'] as const;
export type ConsentEnforcementSetting = (typeof CONSENT_ENFORCEMENT_SETTINGS)[number];

export function assertEnforcementAllowed(setting: ConsentEnforcementSetting, nodeEnv: string): void {
  if (setting !== 'on' && nodeEnv === 'production') {
    throw new Error(`CONSENT_ENFORCEMENT=${setting} is a benchmark setting and is refused when NODE_ENV=production: gated fields would resolve for anyone`);
  }
}
