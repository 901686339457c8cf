// Pods for the Skiff benchmarks: a realistic ~2 KB one (what a Deployment's pod looks
// like once running) and a compact one for the watch fan-out runs.

export interface BenchPod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: {
    name: string;
    namespace: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean }>;
    [k: string]: unknown;
  };
  spec: Record<string, unknown> & { nodeName?: string };
  status?: Record<string, unknown>;
}

const T = '2025-06-01T12:00:00Z';

/**
 * A ~2 KB pod as a ReplicaSet leaves it: labels, ownerReferences, two containers with
 * env, ports, a probe and resources, and a Running status with conditions.
 * Any argument may be a load-generator template such as "{{i}}".
 */
export function realisticPod(name: string, namespace: string, nodeName: string, ip: string): BenchPod {
  const app = 'registry.example.com/shop/web:1.27.3';
  const sidecar = 'registry.example.com/ops/exporter:0.9.1';
  const probe = (path: string) => ({ httpGet: { path, port: 8080 }, periodSeconds: 10, failureThreshold: 3 });
  // ~1.7 KB as sent, ~2.3 KB as served once the API server's pod defaults are filled in.
  const containerStatus = (cname: string, image: string) => ({
    name: cname,
    image,
    ready: true,
    restartCount: 0,
    state: { running: { startedAt: T } },
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app: 'web', tier: 'frontend', 'pod-template-hash': '7d9f8b6c5d' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8b6c5d', uid: '6f1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      nodeName,
      containers: [
        {
          name: 'app',
          image: app,
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          env: [
            { name: 'APP_ENV', value: 'production' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          livenessProbe: probe('/healthz'),
        },
        {
          name: 'metrics',
          image: sidecar,
          ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }],
          resources: { requests: { cpu: '10m', memory: '32Mi' } },
        },
      ],
      restartPolicy: 'Always',
      serviceAccountName: 'default',
    },
    status: {
      phase: 'Running',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: T })),
      hostIP: '10.0.0.10',
      podIP: ip,
      podIPs: [{ ip }],
      startTime: T,
      qosClass: 'Burstable',
      containerStatuses: [containerStatus('app', app), containerStatus('metrics', sidecar)],
    },
  };
}

/** A small valid pod (~400 B as stored) for the watch runs. */
export function compactPod(name: string, namespace: string, nodeName: string): BenchPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'bench', tier: 'watch' } },
    spec: {
      nodeName,
      containers: [{ name: 'app', image: 'registry.example.com/bench/app:1.0', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
    },
  };
}
