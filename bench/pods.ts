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
 * env, ports, probes and resources, and a Running status with conditions.
 * Any argument may be a load-generator template such as "{{i}}".
 */
export function realisticPod(name: string, namespace: string, nodeName: string, ip: string): BenchPod {
  const container = (cname: string, image: string, port: number) => ({
    name: cname,
    image,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: cname === 'app' ? 'http' : 'metrics', containerPort: port, protocol: 'TCP' }],
    env: [
      { name: 'APP_ENV', value: 'production' },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    ],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    livenessProbe: { httpGet: { path: '/healthz', port, scheme: 'HTTP' }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
    readinessProbe: { httpGet: { path: '/ready', port, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  });
  const containerStatus = (cname: string, image: string) => ({
    name: cname,
    image,
    imageID: `${image}@sha256:4c1e3f9b0a7d2e6c5b8a9f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4`,
    containerID: 'containerd://9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0',
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: T } },
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app: 'web', tier: 'frontend', 'pod-template-hash': '7d9f8b6c5d', 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/part-of': 'shop' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': T },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8b6c5d', uid: '6f1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      nodeName,
      containers: [container('app', 'registry.example.com/shop/web:1.27.3', 8080), container('metrics', 'registry.example.com/ops/exporter:0.9.1', 9100)],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      securityContext: { runAsNonRoot: true, runAsUser: 1000 },
      schedulerName: 'default-scheduler',
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    },
    status: {
      phase: 'Running',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: T })),
      hostIP: '10.0.0.10',
      podIP: ip,
      podIPs: [{ ip }],
      startTime: T,
      qosClass: 'Burstable',
      containerStatuses: [containerStatus('app', 'registry.example.com/shop/web:1.27.3'), containerStatus('metrics', 'registry.example.com/ops/exporter:0.9.1')],
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
