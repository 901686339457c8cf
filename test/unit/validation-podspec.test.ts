import { expect } from 'chai';
import { applyCreate } from '../../src/registry/strategies/pipeline.ts';
import { strategyFor } from '../../src/registry/strategies/index.ts';
import { validatePodTemplateSpec } from '../../src/registry/validation/podspec.ts';
import { fieldErrorString, type FieldError } from '../../src/server/errors.ts';
import type { JsonObject, KubeObject } from '../../src/registry/object.ts';

function pod(spec: JsonObject, meta: JsonObject = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...meta }, spec };
}
const container = (extra: JsonObject = {}): JsonObject => ({ name: 'c', image: 'nginx:1.27', ...extra });
const errorsOf = (p: KubeObject): string[] => applyCreate(strategyFor('', 'pods'), p, true).errors.map(fieldErrorString);

describe('pod spec validation', () => {
  it('accepts a typical pod', () => {
    expect(errorsOf(pod({
      containers: [container({
        ports: [{ name: 'http', containerPort: 80 }],
        env: [{ name: 'A', value: '1' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
        volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'cfg', mountPath: '/etc/cfg', readOnly: true }],
        readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
        livenessProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: 5 },
        lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
      })],
      initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }],
      volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'a', path: 'a.conf' }] } }],
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'x' } } } }] } },
    }))).to.deep.equal([]);
  });

  const cases: Array<[string, KubeObject, string[]]> = [
    ['containers are required', pod({ containers: [] }), ['spec.containers: Required value']],
    ['image is required', pod({ containers: [{ name: 'c' }] }), ['spec.containers[0].image: Required value']],
    ['container names are unique', pod({ containers: [container(), container()] }), ['spec.containers[1].name: Duplicate value: "c"']],
    ['restartPolicy enum', pod({ containers: [container()], restartPolicy: 'Sometimes' }), ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    ['dnsPolicy enum', pod({ containers: [container()], dnsPolicy: 'Google' }), ['spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"']],
    ['imagePullPolicy enum', pod({ containers: [container({ imagePullPolicy: 'Sometimes' })] }), ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"']],
    ['container port range', pod({ containers: [container({ ports: [{ containerPort: 70000 }] })] }), ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['port protocol enum', pod({ containers: [container({ ports: [{ containerPort: 80, protocol: 'HTTP' }] })] }), ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']],
    ['duplicate port names', pod({ containers: [container({ ports: [{ name: 'web', containerPort: 80 }, { name: 'web', containerPort: 81 }] })] }), ['spec.containers[0].ports[1].name: Duplicate value: "web"']],
    ['requests within limits', pod({ containers: [container({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } })] }), ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']],
    ['negative quantity', pod({ containers: [container({ resources: { requests: { memory: '-1Mi' } } })] }), ['spec.containers[0].resources.requests[memory]: Invalid value: "-1Mi": must be greater than or equal to 0']],
    // Requests are defaulted from limits first, so both lists report the bad name (as upstream).
    ['unknown resource name', pod({ containers: [container({ resources: { limits: { cpuu: '1' } } })] }), [
      'spec.containers[0].resources.limits[cpuu]: Invalid value: "cpuu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.limits[cpuu]: Invalid value: "cpuu": must be a standard resource for containers',
      'spec.containers[0].resources.requests[cpuu]: Invalid value: "cpuu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.requests[cpuu]: Invalid value: "cpuu": must be a standard resource for containers',
    ]],
    ['probe needs a handler', pod({ containers: [container({ livenessProbe: { periodSeconds: 5 } })] }), ['spec.containers[0].livenessProbe: Required value: must specify a handler type']],
    ['liveness successThreshold', pod({ containers: [container({ livenessProbe: { exec: { command: ['x'] }, successThreshold: 2 } })] }), ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1']],
    ['one probe handler', pod({ containers: [container({ readinessProbe: { exec: { command: ['x'] }, tcpSocket: { port: 1 } } })] }), ['spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type']],
    ['env value xor valueFrom', pod({ containers: [container({ env: [{ name: 'A', value: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] })] }), ['spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty']],
    ['env name required', pod({ containers: [container({ env: [{ value: 'x' }] })] }), ['spec.containers[0].env[0].name: Required value']],
    ['downward API field path', pod({ containers: [container({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.foo' } } }] })] }), ['spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: "spec.foo": error converting fieldPath: field label not supported: spec.foo']],
    ['one volume source', pod({ containers: [container()], volumes: [{ name: 'v', emptyDir: {}, configMap: { name: 'x' } }] }), ['spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type']],
    ['secret volume name', pod({ containers: [container()], volumes: [{ name: 'v', secret: {} }] }), ['spec.volumes[0].secret.secretName: Required value']],
    ['volume names unique', pod({ containers: [container()], volumes: [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }] }), ['spec.volumes[1].name: Duplicate value: "v"']],
    ['mode range', pod({ containers: [container()], volumes: [{ name: 'v', configMap: { name: 'x', defaultMode: 1000 } }] }), ['spec.volumes[0].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive']],
    ['toleration Exists with value', pod({ containers: [container()], tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }), ["spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'"]],
    ['tolerationSeconds needs NoExecute', pod({ containers: [container()], tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }] }), ["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"]],
    ['activeDeadlineSeconds range', pod({ containers: [container()], activeDeadlineSeconds: 0 }), ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive']],
    ['hostname is a label', pod({ containers: [container()], hostname: 'a.b' }), ['spec.hostname: Invalid value: "a.b": must not contain dots']],
    ['image whitespace (pods only)', pod({ containers: [container({ image: ' nginx' })] }), ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace']],
    ['ephemeral containers on create', pod({ containers: [container()], ephemeralContainers: [{ name: 'dbg', image: 'busybox' }] }), ['spec.ephemeralContainers: Forbidden: cannot be set on create']],
    ['init container probes', pod({ containers: [container()], initContainers: [{ name: 'i', image: 'x', readinessProbe: { exec: { command: ['x'] } } }] }), ['spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always']],
    ['init and regular names unique', pod({ containers: [container()], initContainers: [{ name: 'c', image: 'x' }] }), ['spec.initContainers[0].name: Duplicate value: "c"']],
    ['container restartPolicy only on init', pod({ containers: [container({ restartPolicy: 'Always' })] }), ['spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers']],
    ['hostNetwork hostPort', pod({ containers: [container({ ports: [{ containerPort: 80, hostPort: 8080 }] })], hostNetwork: true }), ['spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true']],
    ['host port conflicts', pod({ containers: [container({ ports: [{ containerPort: 80, hostPort: 80 }] }), { name: 'd', image: 'x', ports: [{ containerPort: 81, hostPort: 80 }] }] }), ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//80"']],
    ['dnsPolicy None needs dnsConfig', pod({ containers: [container()], dnsPolicy: 'None' }), ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']],
    ['serviceAccountName format', pod({ containers: [container()], serviceAccountName: 'Bad' }), ['spec.serviceAccountName: Invalid value: "Bad": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')']],
    ['nodeSelector labels', pod({ containers: [container()], nodeSelector: { 'bad key!': 'x' } }), ["spec.nodeSelector: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]],
    ['deletion cost annotation', pod({ containers: [container()] }, { annotations: { 'controller.kubernetes.io/pod-deletion-cost': 'x' } }), ['metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "x": must be a 32bit integer']],
  ];
  for (const [title, p, want] of cases) it(title, () => expect(errorsOf(p)).to.deep.equal(want));

  it('reports mounts of unknown volumes as not found', () => {
    const errs: FieldError[] = applyCreate(strategyFor('', 'pods'), pod({ containers: [container({ volumeMounts: [{ name: 'nope', mountPath: '/x' }] })] }), true).errors;
    expect(errs).to.deep.equal([{ type: 'FieldValueNotFound', field: 'spec.containers[0].volumeMounts[0].name', value: 'nope', detail: undefined }]);
  });

  it('validates templates with template-relative paths', () => {
    const errs: FieldError[] = [];
    validatePodTemplateSpec(errs, 'template', { metadata: { labels: { a: 'b c' } }, spec: { containers: [{ name: 'c', image: 'x' }], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 } });
    expect(errs.map((e) => e.field)).to.deep.equal(['template.labels', 'template.spec.containers[0].terminationMessagePolicy', 'template.spec.containers[0].imagePullPolicy']);
  });
});
