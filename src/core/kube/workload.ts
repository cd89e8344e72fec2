/**
 * The few fields of apps/v1 workloads the actions read, as plain JSON. Typed client-node models
 * and raw watch objects both fit (they use the same property names).
 */

/** The workload kinds whose rollout can be verified (what Reloader rolls besides Jobs and CronJobs). */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Kinds Reloader also rolls (a CronJob by creating a Job from it, a Job by re-creating it) that the actions do not verify. */
export const OTHER_KINDS = ['CronJob', 'Job'] as const;
export type OtherKind = (typeof OTHER_KINDS)[number];

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name?: string; key?: string };
    secretKeyRef?: { name?: string; key?: string };
  };
}

export interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name?: string }; secretRef?: { name?: string } }>;
  volumeMounts?: Array<{ name: string }>;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: {
    containers?: Container[];
    initContainers?: Container[];
    volumes?: Array<{
      name: string;
      configMap?: { name?: string };
      secret?: { secretName?: string };
      projected?: { sources?: Array<{ configMap?: { name?: string }; secret?: { name?: string } }> };
    }>;
  };
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** A Deployment, StatefulSet or DaemonSet as the API returns it. */
export interface Workload {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: {
    replicas?: number;
    paused?: boolean;
    selector?: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
    template?: PodTemplate;
    strategy?: { type?: string };
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } | null };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: Condition[];
    // DaemonSet
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    // StatefulSet
    currentRevision?: string;
    updateRevision?: string;
  };
}
