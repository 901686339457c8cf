// Protobuf request bodies: the wire reader, the schema-driven decoder and the kubectl captures.

import { expect } from 'chai';
import { StatusError } from '../../src/server/errors.ts';
import {
  decodeProtobufBody, decodeProtobufMessage, formatDuration, formatMicroTime, formatTime, isProtobufEnvelope,
  knownKinds, schemaForKind,
} from '../../src/server/protobuf/index.ts';
import { ProtoReader } from '../../src/server/protobuf/wire.ts';
import { capturedBodies } from './protobuf-fixtures.ts';

// ---------------------------------------------------------------------------------------------
// A tiny protobuf writer, enough to build test messages by field number.

type Bytes = number[];

function varint(v: number | bigint): Bytes {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: Bytes = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}
const tag = (n: number, wt: number): Bytes => varint(n * 8 + wt);
const bytes = (n: number, v: Uint8Array | Bytes): Bytes => [...tag(n, 2), ...varint(v.length), ...v];
/** string field */
const s = (n: number, v: string): Bytes => bytes(n, Buffer.from(v, 'utf8'));
/** varint field (int32/int64/bool/enum); negative values sign-extend to 10 bytes like Go. */
const i = (n: number, v: number | bigint): Bytes => [...tag(n, 0), ...varint(v)];
const bool = (n: number, v: boolean): Bytes => i(n, v ? 1 : 0);
/** embedded message field */
const m = (n: number, ...fields: Bytes[]): Bytes => bytes(n, fields.flat());
const f64 = (n: number, v: number): Bytes => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return [...tag(n, 1), ...b];
};
const f32 = (n: number, v: number): Bytes => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return [...tag(n, 5), ...b];
};
/** map<string, string> entry */
const kv = (n: number, k: string, v: string): Bytes => m(n, s(1, k), s(2, v));
const time = (n: number, seconds: number, nanos = 0): Bytes => m(n, i(1, seconds), i(2, nanos));
const intOrString = (n: number, v: number | string): Bytes =>
  typeof v === 'number' ? m(n, i(1, 0), i(2, v), s(3, '')) : m(n, i(1, 1), i(2, 0), s(3, v));
const quantity = (n: number, v: string): Bytes => m(n, s(1, v));
const MAGIC = [0x6b, 0x38, 0x73, 0x00];

function envelope(apiVersion: string, kind: string, raw: Bytes, extra: Bytes[] = []): Buffer {
  return Buffer.from([...MAGIC, ...m(1, s(1, apiVersion), s(2, kind)), ...bytes(2, raw), ...extra.flat()]);
}

const decode = (apiVersion: string, kind: string, ...fields: Bytes[]) =>
  decodeProtobufBody(envelope(apiVersion, kind, fields.flat())).object;

function expectStatus(fn: () => unknown, code: number, reason: string, message?: RegExp): StatusError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a StatusError').to.be.instanceOf(StatusError);
  const se = err as StatusError;
  expect(se.code, se.message).to.equal(code);
  expect(se.reason).to.equal(reason);
  if (message) expect(se.message).to.match(message);
  return se;
}

/** Go writes null for nil slices/maps/zero times; protobuf has nothing there. */
function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = stripNulls(x);
    return out;
  }
  return v;
}

// ObjectMeta as gogo writes it for a client object: every non-pointer field, zero or not.
const emptyMeta = (n: number, name = '', extra: Bytes[] = []): Bytes =>
  m(n, s(1, name), s(2, ''), s(3, ''), s(4, ''), s(5, ''), s(6, ''), i(7, 0), m(8), ...extra);

describe('protobuf wire reader', () => {
  it('reads varints of every length, signed and unsigned', () => {
    const cases: [bigint, number][] = [
      [0n, 0], [1n, 1], [127n, 127], [128n, 128], [300n, 300], [2n ** 28n - 1n, 2 ** 28 - 1], [2n ** 31n, 2 ** 31],
      [2n ** 32n - 1n, 2 ** 32 - 1], [2n ** 35n + 5n, 2 ** 35 + 5], [2n ** 53n - 1n, Number.MAX_SAFE_INTEGER],
      [-1n, -1], [-(2n ** 31n), -(2 ** 31)], [-(2n ** 40n), -(2 ** 40)],
    ];
    for (const [v, want] of cases) {
      const r = new ProtoReader(Buffer.from(varint(v)));
      expect(r.int64(), String(v)).to.equal(want);
      expect(r.pos).to.equal(r.end);
    }
    expect(new ProtoReader(Buffer.from(varint(-5n))).int32()).to.equal(-5);
    expect(new ProtoReader(Buffer.from(varint(2n ** 63n - 1n))).int64Big()).to.equal(2n ** 63n - 1n);
    expect(new ProtoReader(Buffer.from(varint(-(2n ** 63n)))).int64Big()).to.equal(-(2n ** 63n));
    expect(new ProtoReader(Buffer.from(varint(2n))).bool()).to.equal(true);
    expect(new ProtoReader(Buffer.from(varint(2n ** 40n))).bool()).to.equal(true);
  });

  it('rejects truncated and over-long varints and lengths with 400', () => {
    expectStatus(() => new ProtoReader(Buffer.from([0x80, 0x80])).varint(), 400, 'BadRequest', /end of data/);
    expectStatus(() => new ProtoReader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).varint(), 400, 'BadRequest', /longer than 10/);
    expectStatus(() => new ProtoReader(Buffer.from([0x05, 0x61])).string(), 400, 'BadRequest', /exceeds/);
    expectStatus(() => new ProtoReader(Buffer.from([0x00])).tag(), 400, 'BadRequest', /invalid field tag/);
    expectStatus(() => new ProtoReader(Buffer.from([0x01, 0x02])).double(), 400, 'BadRequest');
    // A nested range limits reads even when the buffer goes on.
    const r = new ProtoReader(Buffer.from([0x96, 0x01, 0x00]), 0, 1);
    expectStatus(() => r.varint(), 400, 'BadRequest');
  });

  it('skips every wire type, including nested groups', () => {
    const buf = Buffer.from([
      ...i(1, 300), ...f64(2, 1.5), ...s(3, 'x'), ...f32(4, 7),
      ...tag(5, 3), ...i(1, 1), ...tag(6, 3), ...s(2, 'y'), ...tag(6, 4), ...tag(5, 4),
    ]);
    const r = new ProtoReader(buf);
    while (r.pos < r.end) {
      const t = r.tag();
      r.skip(t & 7, t >>> 3);
    }
    expect(r.pos).to.equal(buf.length);
    expectStatus(() => new ProtoReader(Buffer.from([...tag(5, 3), ...tag(6, 4)])).skip(3, 5), 400, 'BadRequest');
    expectStatus(() => new ProtoReader(Buffer.from([...tag(5, 3), ...i(1, 1)])).skip(3, 5), 400, 'BadRequest');
    const deep = Buffer.from(Array.from({ length: 40 }, () => tag(5, 3)).flat());
    const rd = new ProtoReader(deep);
    rd.tag();
    expectStatus(() => rd.skip(3, 5), 400, 'BadRequest', /nested/);
    expectStatus(() => new ProtoReader(Buffer.from([0x01])).skip(7, 1), 400, 'BadRequest', /wire type 7/);
  });
});

describe('protobuf request bodies: kubectl captures', () => {
  for (const c of capturedBodies) {
    it(`${c.command} decodes to what kubectl 1.31 sent as JSON`, () => {
      const buf = Buffer.from(c.protobuf, 'base64');
      expect(isProtobufEnvelope(buf)).to.equal(true);
      const d = decodeProtobufBody(buf);
      expect(d.apiVersion).to.equal(c.json.apiVersion);
      expect(d.kind).to.equal(c.json.kind);
      expect(d.object).to.deep.equal(stripNulls(c.json));
    });
  }

  it('covers the typed writes the brief names', () => {
    const cmds = capturedBodies.map((c) => c.command);
    for (const want of [
      'create configmap', 'create deployment', 'create secret generic', 'create namespace', 'create serviceaccount',
      'create service clusterip', 'auth can-i create pods', 'auth can-i --list', 'auth whoami', 'create token sa',
    ]) {
      expect(cmds.some((c) => c.startsWith(`kubectl ${want}`)), want).to.equal(true);
    }
  });
});

describe('protobuf request bodies: decoding', () => {
  it('decodes a PodSpec with everything kubectl and common manifests put there', () => {
    const container = [
      s(1, 'app'), s(2, 'nginx:1.27'), s(3, 'sh'), s(3, '-c'), s(4, 'run'), s(5, '/work'),
      m(6, s(1, 'http'), i(2, 0), i(3, 8080), s(4, 'TCP'), s(5, '')),
      m(6, s(1, ''), i(2, 9090), i(3, 9090), s(4, 'UDP'), s(5, '0.0.0.0')),
      m(19, s(1, 'CFG_'), m(2, m(1, s(1, 'cm')), bool(2, true))),
      m(7, s(1, 'A'), s(2, 'B')),
      m(7, s(1, 'EMPTY'), s(2, '')),
      m(7, s(1, 'POD'), s(2, ''), m(3, m(1, s(1, 'v1'), s(2, 'metadata.name')))),
      m(7, s(1, 'PW'), s(2, ''), m(3, m(4, m(1, s(1, 'db')), s(2, 'password'), bool(3, false)))),
      m(7, s(1, 'MEM'), s(2, ''), m(3, m(2, s(1, ''), s(2, 'limits.memory'), quantity(3, '1Mi')))),
      m(8, kv(1, 'cpu', ''), m(1, s(1, 'memory'), quantity(2, '128Mi')), m(2, s(1, 'cpu'), quantity(2, '100m'))),
      m(9, s(1, 'data'), bool(2, true), s(3, '/data'), s(4, ''), s(6, '')),
      m(10, m(1, m(2, s(1, '/healthz'), intOrString(2, 'http'), s(3, ''), s(4, 'HTTP'), m(5, s(1, 'X-A'), s(2, 'b')))),
        i(2, 5), i(3, 1), i(4, 10), i(5, 1), i(6, 3)),
      m(11, m(1, m(3, intOrString(1, 8080), s(2, ''))), i(2, 0), i(3, 0), i(4, 0), i(5, 0), i(6, 0)),
      m(22, m(1, m(1, s(1, 'true'))), i(6, 30)),
      m(12, m(2, m(1, s(1, 'sleep'), s(1, '5')))),
      s(13, '/dev/termination-log'), s(20, 'File'), s(14, 'IfNotPresent'),
      m(15, m(1, s(1, 'NET_ADMIN'), s(2, 'ALL')), bool(2, false), i(4, 0), bool(5, true), bool(6, true), bool(7, false),
        m(11, s(1, 'RuntimeDefault'))),
      bool(16, false), bool(17, false), bool(18, false),
    ];
    const podSpec = [
      m(1, s(1, 'data'), m(2, m(10, s(1, 'pvc-1'), bool(2, false)))),
      m(1, s(1, 'cfg'), m(2, m(19, m(1, s(1, 'cm')), m(2, s(1, 'k'), s(2, 'k.txt'), i(3, 0o400)), i(3, 0o644)))),
      m(1, s(1, 'sec'), m(2, m(6, s(1, 'tls'), i(3, 420), bool(4, true)))),
      m(1, s(1, 'tmp'), m(2, m(2, s(1, 'Memory'), quantity(2, '64Mi')))),
      m(1, s(1, 'host'), m(2, m(1, s(1, '/var/log'), s(2, 'Directory')))),
      m(1, s(1, 'proj'), m(2, m(26, m(1, m(4, s(1, 'vault'), i(2, 3600), s(3, 'token'))),
        m(1, m(2, m(1, s(1, 'labels'), m(2, s(1, 'v1'), s(2, 'metadata.labels')))))))),
      m(20, s(1, 'init'), s(2, 'busybox'), m(8)),
      m(2, ...container),
      s(3, 'Always'), i(4, 30), s(6, 'ClusterFirst'), kv(7, 'disktype', 'ssd'), s(8, 'runner'), s(9, 'runner'),
      bool(21, false), s(10, ''), bool(11, false), bool(12, false), bool(13, false),
      m(14, i(2, 1000), bool(3, true), i(4, 3000), i(4, 4000), i(5, 2000), m(7, s(1, 'net.core.somaxconn'), s(2, '1024')),
        m(10, s(1, 'RuntimeDefault'))),
      m(15, s(1, 'regcred')), s(16, ''), s(17, ''),
      m(18,
        m(1,
          m(1, m(1, m(1, s(1, 'kubernetes.io/os'), s(2, 'In'), s(3, 'linux')))),
          m(2, i(1, 10), m(2, m(1, s(1, 'zone'), s(2, 'Exists'))))),
        m(2, m(1, m(1, kv(1, 'app', 'db')), s(3, 'kubernetes.io/hostname'))),
        m(3, m(2, i(1, 100), m(2, m(1, m(2, s(1, 'app'), s(2, 'NotIn'), s(3, 'web'), s(3, 'api'))), s(3, 'zone'))))),
      s(19, 'default-scheduler'),
      m(22, s(1, 'node.kubernetes.io/not-ready'), s(2, 'Exists'), s(3, ''), s(4, 'NoExecute'), i(5, 300)),
      m(22, s(1, 'dedicated'), s(2, 'Equal'), s(3, 'gpu'), s(4, 'NoSchedule')),
      m(33, i(1, 1), s(2, 'topology.kubernetes.io/zone'), s(3, 'DoNotSchedule'), m(4, kv(1, 'app', 'web')), s(8, 'pod-template-hash')),
      s(24, ''), i(25, 0), bool(30, true),
    ];
    const obj = decode('v1', 'Pod', emptyMeta(1, 'web-0', [kv(11, 'app', 'web'), kv(12, 'note', '')]), m(2, ...podSpec), m(3));
    expect(obj).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0', labels: { app: 'web' }, annotations: { note: '' } },
      spec: {
        volumes: [
          { name: 'data', persistentVolumeClaim: { claimName: 'pvc-1' } },
          { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'k', path: 'k.txt', mode: 256 }], defaultMode: 420 } },
          { name: 'sec', secret: { secretName: 'tls', defaultMode: 420, optional: true } },
          { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
          { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
          { name: 'proj', projected: { sources: [
            { serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } },
            { downwardAPI: { items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }] } },
          ] } },
        ],
        initContainers: [{ name: 'init', image: 'busybox', resources: {} }],
        containers: [{
          name: 'app',
          image: 'nginx:1.27',
          command: ['sh', '-c'],
          args: ['run'],
          workingDir: '/work',
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { hostPort: 9090, containerPort: 9090, protocol: 'UDP', hostIP: '0.0.0.0' },
          ],
          envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'cm', optional: true } }],
          env: [
            { name: 'A', value: 'B' },
            { name: 'EMPTY' },
            { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
            { name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: false } } },
            { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          ],
          resources: { limits: { cpu: '0', memory: '128Mi' }, requests: { cpu: '100m' } },
          volumeMounts: [{ name: 'data', readOnly: true, mountPath: '/data' }],
          livenessProbe: {
            httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X-A', value: 'b' }] },
            initialDelaySeconds: 5, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
          },
          readinessProbe: { tcpSocket: { port: 8080 } },
          startupProbe: { exec: { command: ['true'] }, failureThreshold: 30 },
          lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
          securityContext: {
            capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
            privileged: false,
            runAsUser: 0,
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            seccompProfile: { type: 'RuntimeDefault' },
          },
        }],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        nodeSelector: { disktype: 'ssd' },
        serviceAccountName: 'runner',
        serviceAccount: 'runner',
        automountServiceAccountToken: false,
        securityContext: {
          runAsUser: 1000,
          runAsNonRoot: true,
          supplementalGroups: [3000, 4000],
          fsGroup: 2000,
          sysctls: [{ name: 'net.core.somaxconn', value: '1024' }],
          seccompProfile: { type: 'RuntimeDefault' },
        },
        imagePullSecrets: [{ name: 'regcred' }],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }],
            },
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] } },
            ],
          },
          podAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' },
            ],
          },
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{
              weight: 100,
              podAffinityTerm: {
                labelSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web', 'api'] }] },
                topologyKey: 'zone',
              },
            }],
          },
        },
        schedulerName: 'default-scheduler',
        tolerations: [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
        ],
        topologySpreadConstraints: [{
          maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
          labelSelector: { matchLabels: { app: 'web' } }, matchLabelKeys: ['pod-template-hash'],
        }],
        priority: 0,
        enableServiceLinks: true,
      },
      status: {},
    });
  });

  it('keeps zero values of pointer fields and drops those of omitempty fields (Deployment)', () => {
    const obj = decode('apps/v1', 'Deployment',
      emptyMeta(1, 'web'),
      m(2, i(1, 0), m(2, kv(1, 'app', 'web')), m(3, emptyMeta(1), m(2, m(2, s(1, 'c'), s(2, 'i')))),
        m(4, s(1, 'RollingUpdate'), m(2, intOrString(1, 0), intOrString(2, '25%'))), i(5, 0), i(6, 0), bool(7, false), i(9, 600)),
      m(3, i(1, 0), i(2, 0), i(3, 0), i(4, 0), i(5, 0), i(7, 0), i(8, 0)));
    expect(obj).to.deep.equal({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: {}, spec: { containers: [{ name: 'c', image: 'i' }] } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        revisionHistoryLimit: 0,
        progressDeadlineSeconds: 600,
      },
      status: { collisionCount: 0 },
    });
  });

  it('formats Time, MicroTime and Duration like Go and omits zero times (Event, Lease)', () => {
    const ev = decode('v1', 'Event',
      emptyMeta(1, 'x.1'),
      m(2, s(1, 'Pod'), s(2, 'default'), s(3, 'x'), s(4, 'uid-1'), s(5, 'v1'), s(6, ''), s(7, '')),
      s(3, 'Started'), s(4, 'Started container'), m(5, s(1, 'kubelet'), s(2, 'node-1')),
      time(6, 1700000000, 999999999), time(7, 1700000060), i(8, 2), s(9, 'Normal'),
      time(10, 1700000000, 123456789), s(12, ''), s(14, ''), s(15, ''));
    expect(ev).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'x.1' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'x', uid: 'uid-1', apiVersion: 'v1' },
      reason: 'Started',
      message: 'Started container',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: '2023-11-14T22:13:20Z',
      lastTimestamp: '2023-11-14T22:14:20Z',
      count: 2,
      type: 'Normal',
      eventTime: '2023-11-14T22:13:20.123456Z',
      reportingComponent: '',
      reportingInstance: '',
    });
    const lease = decode('coordination.k8s.io/v1', 'Lease', emptyMeta(1, 'node-1'),
      m(2, s(1, 'node-1'), i(2, 40), m(3), time(4, 0, 5000), i(5, 0)));
    expect(lease.spec).to.deep.equal({
      holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '1970-01-01T00:00:00.000005Z', leaseTransitions: 0,
    });
    expect(formatTime(-62135596800)).to.equal('0001-01-01T00:00:00Z');
    expect(formatMicroTime(10, -1000)).to.equal('1970-01-01T00:00:09.999999Z');
    expectStatus(() => decode('v1', 'Event', time(6, 253402300800)), 400, 'BadRequest', /out of range/);
    // Go's own time.Duration.String() table.
    const durations: [bigint, string][] = [
      [0n, '0s'], [1n, '1ns'], [1100n, '1.1µs'], [2200000n, '2.2ms'], [3300000000n, '3.3s'],
      [245000000000n, '4m5s'], [245001000000n, '4m5.001s'], [18367001000000n, '5h6m7.001s'],
      [480000000001n, '8m0.000000001s'], [2n ** 63n - 1n, '2562047h47m16.854775807s'],
      [-(2n ** 63n), '-2562047h47m16.854775808s'], [3600000000000n, '1h0m0s'], [-1500000000n, '-1.5s'],
    ];
    for (const [ns, want] of durations) expect(formatDuration(ns), want).to.equal(want);
  });

  it('decodes bytes as base64, maps (incl. odd keys) and binaryData', () => {
    const sec = decode('v1', 'Secret', emptyMeta(1, 's'),
      m(2, s(1, 'bin'), bytes(2, [0, 1, 2, 0xff, 0xfe])), m(2, s(1, 'empty'), bytes(2, [])), m(2, s(1, 'novalue')),
      s(3, 'Opaque'), bool(5, true));
    expect(sec).to.deep.equal({
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' },
      data: { bin: 'AAEC//4=', empty: '', novalue: '' }, type: 'Opaque', immutable: true,
    });
    const cm = decodeProtobufBody(envelope('v1', 'ConfigMap', [...emptyMeta(1, 'c'), ...kv(2, '__proto__', 'x'), ...m(3, s(1, 'b'), bytes(2, [104, 105]))])).object;
    const data = cm.data as Record<string, unknown>;
    expect(Object.getPrototypeOf(data)).to.equal(Object.prototype);
    expect(Object.hasOwn(data, '__proto__')).to.equal(true);
    expect(JSON.stringify(cm)).to.equal('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"__proto__":"x"},"binaryData":{"b":"aGk="}}');
  });

  it('decodes DeleteOptions under any apiVersion and the policy/v1 Eviction', () => {
    const opts = [i(1, 0), m(2, s(1, 'uid-1'), s(2, '42')), s(4, 'Foreground'), s(5, 'All')];
    for (const gv of ['v1', 'meta.k8s.io/v1', 'apps/v1']) {
      expect(decode(gv, 'DeleteOptions', ...opts)).to.deep.equal({
        apiVersion: gv, kind: 'DeleteOptions',
        gracePeriodSeconds: 0, preconditions: { uid: 'uid-1', resourceVersion: '42' }, propagationPolicy: 'Foreground', dryRun: ['All'],
      });
    }
    expect(decode('policy/v1', 'Eviction', emptyMeta(1, 'p1', [s(3, 'default')]), m(2, i(1, 30)))).to.deep.equal({
      apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p1', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 30 },
    });
    expect(decode('policy/v1beta1', 'Eviction', emptyMeta(1, 'p1'), m(2)).deleteOptions).to.deep.equal({});
  });

  it('decodes TokenRequest, the review kinds and Scale', () => {
    expect(decode('authentication.k8s.io/v1', 'TokenRequest', emptyMeta(1),
      m(2, s(1, 'api'), s(1, 'vault'), m(3, s(1, 'Pod'), s(2, 'v1'), s(3, 'p'), s(4, 'u1')), i(4, 3600)), m(3, s(1, ''), m(2)))).to.deep.equal({
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {},
      spec: { audiences: ['api', 'vault'], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u1' }, expirationSeconds: 3600 },
      status: { token: '' },
    });
    const ssar = decode('authorization.k8s.io/v1', 'SelfSubjectAccessReview', emptyMeta(1),
      m(2, m(1, s(1, 'default'), s(2, 'list'), s(3, ''), s(4, ''), s(5, 'pods'), s(6, ''), s(7, ''),
        m(8, s(1, ''), m(2, s(1, 'spec.nodeName'), s(2, 'In'), s(3, 'n1'))),
        m(9, s(1, 'app=web'))), m(2, s(1, '/healthz'), s(2, 'get'))),
      m(3, bool(1, false), s(2, ''), s(3, ''), bool(4, false)));
    expect(ssar).to.deep.equal({
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {},
      spec: {
        resourceAttributes: {
          namespace: 'default', verb: 'list', resource: 'pods',
          fieldSelector: { requirements: [{ key: 'spec.nodeName', operator: 'In', values: ['n1'] }] },
          labelSelector: { rawSelector: 'app=web' },
        },
        nonResourceAttributes: { path: '/healthz', verb: 'get' },
      },
      status: { allowed: false },
    });
    expect(decode('authorization.k8s.io/v1', 'SubjectAccessReview', m(2, s(3, 'bob'), s(4, 'devs'),
      m(5, s(1, 'scopes'), m(2, s(1, 'a'), s(1, 'b'))), s(6, 'u-1'))).spec).to.deep.equal({
      user: 'bob', groups: ['devs'], extra: { scopes: ['a', 'b'] }, uid: 'u-1',
    });
    expect(decode('authorization.k8s.io/v1', 'SelfSubjectRulesReview', emptyMeta(1), m(2, s(1, 'kube-system')),
      m(3, m(1, s(1, 'get'), s(2, ''), s(3, 'pods')), bool(3, false))).status).to.deep.equal({
      resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], incomplete: false,
    });
    expect(decode('authentication.k8s.io/v1', 'SelfSubjectReview', emptyMeta(1), m(2, m(1, s(1, ''), s(2, ''))))).to.deep.equal({
      apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {}, status: { userInfo: {} },
    });
    expect(decode('autoscaling/v1', 'Scale', emptyMeta(1, 'web', [s(3, 'default')]), m(2, i(1, 3)), m(3, i(1, 0), s(2, '')))).to.deep.equal({
      apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 3 }, status: { replicas: 0 },
    });
  });

  it('decodes owner references, managed fields (FieldsV1) and RawExtension (JSON or nested protobuf)', () => {
    const inner = envelope('v1', 'ConfigMap', [...emptyMeta(1, 'inner'), ...kv(2, 'k', 'v')]);
    const rs = decode('apps/v1', 'ControllerRevision',
      emptyMeta(1, 'web-abc', [
        m(13, s(1, 'Deployment'), s(3, 'web'), s(4, 'uid-d'), s(5, 'apps/v1'), bool(6, true), bool(7, false)),
        s(14, 'example.com/fin'),
        m(17, s(1, 'kubectl'), s(2, 'Update'), s(3, 'apps/v1'), time(4, 1700000000), s(6, 'FieldsV1'),
          m(7, bytes(1, Buffer.from('{"f:data":{".":{}}}'))), s(8, '')),
        time(9, 1700000100), i(10, 30), i(7, 3)]),
      m(2, bytes(1, Buffer.from('{"spec":{"template":{"$patch":"replace"}}}'))),
      i(3, 2));
    expect(rs).to.deep.equal({
      apiVersion: 'apps/v1', kind: 'ControllerRevision',
      metadata: {
        name: 'web-abc',
        ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'uid-d', apiVersion: 'apps/v1', controller: true, blockOwnerDeletion: false }],
        finalizers: ['example.com/fin'],
        managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', time: '2023-11-14T22:13:20Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {} } } }],
        deletionTimestamp: '2023-11-14T22:15:00Z',
        deletionGracePeriodSeconds: 30,
        generation: 3,
      },
      data: { spec: { template: { $patch: 'replace' } } },
      revision: 2,
    });
    expect(decode('apps/v1', 'ControllerRevision', m(2, bytes(1, [...inner]))).data).to.deep.equal({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inner' }, data: { k: 'v' },
    });
    expect(decode('apps/v1', 'ControllerRevision', m(2)).data).to.equal(undefined);
    expectStatus(() => decode('apps/v1', 'ControllerRevision', m(2, bytes(1, Buffer.from('not json')))), 400, 'BadRequest', /RawExtension/);
  });

  it('skips unknown fields everywhere, accepts packed repeated scalars, merges repeated messages', () => {
    const unknown = [i(99, 7), f64(98, 2.5), f32(97, 1), s(96, 'future'), tag(95, 3), i(1, 1), tag(95, 4)];
    const buf = envelope('v1', 'Pod', [
      ...emptyMeta(1, 'p', unknown),
      ...m(2, ...unknown, m(14, bytes(4, [...varint(1), ...varint(2), ...varint(2n ** 40n)]))),
      ...m(2, s(10, 'node-1')),
      ...unknown.flat(),
    ], [s(9, 'envelope-future'), s(3, ''), s(4, '')]);
    expect(decodeProtobufBody(buf).object).to.deep.equal({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
      spec: { securityContext: { supplementalGroups: [1, 2, 2 ** 40] }, nodeName: 'node-1' },
    });
    // Last one wins for scalars, also when the last is the zero value.
    expect(decode('v1', 'Namespace', m(1, s(1, 'a'), s(1, 'b'), s(3, 'x'), s(3, ''))).metadata).to.deep.equal({ name: 'b' });
  });

  it('accepts an envelope whose inner content type is JSON', () => {
    const raw = Buffer.from('{"metadata":{"name":"j"},"data":{"a":"b"}}');
    const buf = Buffer.from([...MAGIC, ...m(1, s(1, 'v1'), s(2, 'ConfigMap')), ...bytes(2, [...raw]), ...s(4, 'application/json')]);
    expect(decodeProtobufBody(buf)).to.deep.equal({
      apiVersion: 'v1', kind: 'ConfigMap', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j' }, data: { a: 'b' } },
    });
  });

  it('answers malformed bodies with 400 and unknown kinds or encodings with 415', () => {
    expectStatus(() => decodeProtobufBody(Buffer.from('{"kind":"Pod"}')), 400, 'BadRequest', /envelope prefix/);
    expectStatus(() => decodeProtobufBody(Buffer.from([0x6b, 0x38])), 400, 'BadRequest');
    expectStatus(() => decodeProtobufBody(Buffer.from([...MAGIC, ...bytes(2, [])])), 400, 'BadRequest', /Kind/);
    expectStatus(() => decodeProtobufBody(Buffer.from([...MAGIC, ...m(1, s(1, 'v1'), s(2, 'Pod')), 0x12, 0x05, 0x0a])), 400, 'BadRequest', /exceeds/);
    expectStatus(() => decodeProtobufBody(Buffer.from([...MAGIC, ...i(1, 5)])), 400, 'BadRequest', /wire type/);
    expectStatus(() => decode('v1', 'Pod', i(1, 5)), 400, 'BadRequest', /wrong wire type 0 for field Pod.metadata/);
    expectStatus(() => decode('v1', 'Pod', m(1, s(7, 'x'))), 400, 'BadRequest', /ObjectMeta.generation/);
    expectStatus(() => decode('v1', 'ConfigMap', m(2, i(1, 3))), 400, 'BadRequest', /key of ConfigMap.data/);
    expectStatus(() => decode('v1', 'ConfigMap', [0x0a, 0x80]), 400, 'BadRequest');
    expectStatus(() => decode('v1', 'Pod', [0x00]), 400, 'BadRequest', /invalid field tag/);
    expectStatus(() => decode('example.com/v1', 'Widget'), 415, 'UnsupportedMediaType', /Widget/);
    expectStatus(() => decodeProtobufBody(envelope('v1', 'Pod', [], [s(3, 'gzip')])), 415, 'UnsupportedMediaType', /gzip/);
    expectStatus(() => decodeProtobufBody(envelope('v1', 'Pod', [], [s(4, 'application/yaml')])), 415, 'UnsupportedMediaType');
    // RawExtensions that nest envelopes without end stop at the depth limit.
    let raw: Bytes = [];
    for (let d = 0; d < 120; d++) raw = [...MAGIC, ...m(1, s(1, 'apps/v1'), s(2, 'ControllerRevision')), ...bytes(2, m(2, bytes(1, raw)))];
    expectStatus(() => decodeProtobufBody(Buffer.from(raw)), 400, 'BadRequest', /nested too deeply/);
  });

  it('has a schema for every kind the brief lists', () => {
    for (const [gv, kind] of [
      ['v1', 'ConfigMap'], ['v1', 'Secret'], ['v1', 'Namespace'], ['v1', 'ServiceAccount'], ['v1', 'Service'], ['v1', 'Pod'],
      ['v1', 'Event'], ['apps/v1', 'Deployment'], ['apps/v1', 'ReplicaSet'], ['apps/v1', 'StatefulSet'], ['apps/v1', 'DaemonSet'],
      ['coordination.k8s.io/v1', 'Lease'], ['v1', 'DeleteOptions'], ['policy/v1', 'Eviction'],
      ['authentication.k8s.io/v1', 'TokenRequest'], ['authentication.k8s.io/v1', 'SelfSubjectReview'],
      ['authorization.k8s.io/v1', 'SelfSubjectAccessReview'], ['authorization.k8s.io/v1', 'SelfSubjectRulesReview'],
      ['autoscaling/v1', 'Scale'],
    ]) {
      expect(schemaForKind(gv, kind), `${gv} ${kind}`).to.not.equal(undefined);
    }
    expect(knownKinds()).to.include('apps/v1/Deployment');
    expect(schemaForKind('v1', 'Deployment')).to.equal(undefined);
    expect(decodeProtobufMessage(Buffer.from(s(1, 'x')), 'LocalObjectReference')).to.deep.equal({ name: 'x' });
  });
});
