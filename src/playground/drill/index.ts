/**
 * The local DR drill playground (`npm run drill`): two Confluent clusters linked both ways and Kubernetes clients on the emulators, simulated clients, the
 * repository's failover/failback workflows run by the local runner, and RTO/RPO counted from numbered records.
 */
export { runScenario, type ScenarioOptions } from './scenario.js';
export { FAULT_INFO, runFaultDrill, type FaultDrillResult } from './faults.js';
export { DrillSession, firstFailure, switchOutputs, type DrillResult, type PhaseResult, type SessionOptions, type SwitchSpec } from './session.js';
export {
  DEFAULT_SCENARIO,
  FAULTS,
  type FaultName,
  DEFAULT_TIMING,
  KUBE_CHOICES,
  MODES,
  PATTERNS,
  STYLES,
  parseDrillArgs,
  REAL_KUBE_TIMING,
  scenarioSlug,
  scenarioTitle,
  type KubeChoice,
  type Mode,
  type Pattern,
  type Scenario,
  type Style,
  type Timing,
} from './options.js';
export { drillMarkdown, drillText, reportMarkdown } from './report.js';
export { timelineSvg } from './svg.js';
export { mermaidGantt } from './mermaid.js';
export { measureFinal, measurePhase, type FinalMeasures, type PhaseMeasures, type PhaseWindow } from './measures.js';
export { finalChecks, phaseChecks, type Check, type PhaseFacts } from './checks.js';
export { ClientFleet, type ClientPod } from './clients.js';
export { startEmulatedDrillKube, type DrillKube, type EmulatedDrillKube } from './kube.js';
export { startRealDrillKube } from './real-kube.js';
export { Ledger } from './ledger.js';
export { AP_LINK, PRIMARY, SECONDARY, activeActiveLink, clientValues, loadManifests, repositorySettings, startTopology, type Topology } from './topology.js';
