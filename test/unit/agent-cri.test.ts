// The CRI client's own logic: request shapes on the wire (snake_case, map keys untouched),
// gRPC codes as runtime errors (through a real gRPC server on a unix socket speaking Skiff's
// proto), and the relisting PLEG's events (upstream generic.go's state transitions).

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { containerEvents, RelistPLEG, type RelistSource } from '../../src/agent/cri/pleg.ts';
import { CriRuntime } from '../../src/agent/cri/runtime.ts';
import { toWire } from '../../src/agent/cri/wire.ts';
import { nodeConditions, runtimeErrors } from '../../src/agent/node.ts';
import { RuntimeError, type Container, type ContainerEventResponse, type ContainerState } from '../../src/agent/runtime/types.ts';

describe('CRI client', () => {
  describe('toWire', () => {
    it('renames fields to the proto names but keeps map keys as they are', () => {
      const wire = toWire({
        podSandboxId: 'p',
        config: { metadata: { name: 'c', attempt: 1 }, logPath: 'c/0.log', labels: { 'io.kubernetes.pod.uid': 'u', camelKey: 'v' }, envs: [{ key: 'A', value: 'b' }], stdinOnce: undefined },
      });
      expect(wire).to.deep.equal({
        pod_sandbox_id: 'p',
        config: { metadata: { name: 'c', attempt: 1 }, log_path: 'c/0.log', labels: { 'io.kubernetes.pod.uid': 'u', camelKey: 'v' }, envs: [{ key: 'A', value: 'b' }] },
      });
    });
  });

  describe('containerEvents (generic PLEG transitions)', () => {
    const cases: { before?: ContainerState; after?: ContainerState; events: string[] }[] = [
      { before: undefined, after: 'CONTAINER_CREATED', events: ['CONTAINER_CREATED_EVENT'] },
      { before: undefined, after: 'CONTAINER_RUNNING', events: ['CONTAINER_STARTED_EVENT'] },
      { before: 'CONTAINER_CREATED', after: 'CONTAINER_RUNNING', events: ['CONTAINER_STARTED_EVENT'] },
      { before: 'CONTAINER_RUNNING', after: 'CONTAINER_EXITED', events: ['CONTAINER_STOPPED_EVENT'] },
      { before: 'CONTAINER_RUNNING', after: 'CONTAINER_RUNNING', events: [] },
      { before: 'CONTAINER_EXITED', after: undefined, events: ['CONTAINER_DELETED_EVENT'] },
      { before: 'CONTAINER_RUNNING', after: undefined, events: ['CONTAINER_STOPPED_EVENT', 'CONTAINER_DELETED_EVENT'] },
    ];
    for (const c of cases) {
      it(`${c.before ?? 'absent'} → ${c.after ?? 'absent'}: ${c.events.join(', ') || 'nothing'}`, () => {
        expect(containerEvents(c.before, c.after)).to.deep.equal(c.events);
      });
    }
  });

  describe('RelistPLEG', () => {
    it('emits an event per change between relists, with the pod the container belongs to', async () => {
      let containers: Container[] = [];
      const container = (id: string, state: ContainerState): Container => ({
        id, podSandboxId: 's1', metadata: { name: 'main', attempt: 0 }, image: { image: 'busybox' }, imageRef: '', state, createdAt: 1, labels: {},
      });
      const source: RelistSource = {
        listPodSandbox: async () => [{ id: 's1', metadata: { name: 'web', namespace: 'default', uid: 'u1', attempt: 0 }, state: 'SANDBOX_READY', createdAt: 1 }],
        listContainers: async () => containers,
        containerStatus: async (id) => ({ ...container(id, containers.find((c) => c.id === id)!.state), startedAt: 0, finishedAt: 0, exitCode: 0, reason: '', message: '' }),
      };
      const pleg = new RelistPLEG(source, 60_000);
      const events: ContainerEventResponse[] = [];
      const unsubscribe = pleg.subscribe((e) => events.push(e));
      try {
        await pleg.relist();
        containers = [container('c1', 'CONTAINER_RUNNING')];
        await pleg.relist();
        containers = [container('c1', 'CONTAINER_EXITED')];
        await pleg.relist();
        await pleg.relist();
        containers = [];
        await pleg.relist();
        expect(events.map((e) => `${e.containerId} ${e.containerEventType} ${e.podSandboxStatus?.metadata.uid}`)).to.deep.equal([
          'c1 CONTAINER_STARTED_EVENT u1', 'c1 CONTAINER_STOPPED_EVENT u1', 'c1 CONTAINER_DELETED_EVENT u1',
        ]);
        expect(events[1].containersStatuses[0].state).to.equal('CONTAINER_EXITED');
      } finally {
        unsubscribe();
        pleg.close();
      }
    });
  });

  describe('node readiness from CRI Status', () => {
    const capacity = { cpu: '2', memory: '1Gi', pods: '110', 'ephemeral-storage': '10Gi' };
    const ready = (conditions: { type: string; status: boolean; reason?: string; message?: string }[]) =>
      nodeConditions(undefined, '2026-01-01T00:00:00Z', capacity, runtimeErrors(conditions)).find((c) => c.type === 'Ready')!;

    it('is Ready when RuntimeReady and NetworkReady are both true', () => {
      expect(ready([{ type: 'RuntimeReady', status: true }, { type: 'NetworkReady', status: true }])).to.include({ status: 'True', reason: 'KubeletReady' });
    });

    it('is not Ready while the network plugin is not, in the kubelet\'s words', () => {
      const c = ready([{ type: 'RuntimeReady', status: true }, { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'Network plugin returns error: cni plugin not initialized' }]);
      expect(c).to.include({ status: 'False', reason: 'KubeletNotReady' });
      expect(c.message).to.equal('container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized');
    });

    it('is not Ready when the runtime says nothing of itself', () => {
      expect(ready([])).to.include({ status: 'False', reason: 'KubeletNotReady' });
    });
  });

  describe('over gRPC', () => {
    let dir: string;
    let server: grpc.Server;
    let runtime: CriRuntime;
    let lastRequest: unknown;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'skiff-cri-'));
      const def = protoLoader.loadSync(new URL('../../src/agent/cri/runtime.v1.proto', import.meta.url).pathname, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
      const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: { RuntimeService: grpc.ServiceClientConstructor; ImageService: grpc.ServiceClientConstructor } } };
      server = new grpc.Server();
      type Call = grpc.ServerUnaryCall<unknown, unknown>;
      type Done = grpc.sendUnaryData<unknown>;
      server.addService(pkg.runtime.v1.RuntimeService.service, {
        Version: (call: Call, done: Done) => { lastRequest = call.request; done(null, { version: '0.1.0', runtime_name: 'fake', runtime_version: '1.0', runtime_api_version: 'v1' }); },
        PodSandboxStatus: (_call: Call, done: Done) => done({ code: grpc.status.NOT_FOUND, details: 'an error occurred when try to find sandbox: not found' }),
        ContainerStatus: (_call: Call, done: Done) => done(null, { status: { id: 'c1', state: 'CONTAINER_EXITED', created_at: '1795626611129815536', exit_code: 3, reason: 'Error', labels: { a: 'b' } } }),
        ExecSync: (call: Call, done: Done) => { lastRequest = call.request; done(null, { stdout: Buffer.from('out'), stderr: Buffer.alloc(0), exit_code: 7 }); },
      });
      server.addService(pkg.runtime.v1.ImageService.service, {
        ImageStatus: (_call: Call, done: Done) => done(null, {}),
      });
      await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${join(dir, 'cri.sock')}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
      runtime = new CriRuntime({ endpoint: join(dir, 'cri.sock') });
    });

    after(() => {
      runtime?.close();
      server?.forceShutdown();
      rmSync(dir, { recursive: true, force: true });
    });

    it('maps Version to camelCase and sends the requested API version', async () => {
      expect(await runtime.version()).to.deep.equal({ version: '0.1.0', runtimeName: 'fake', runtimeVersion: '1.0', runtimeApiVersion: 'v1' });
      expect(lastRequest).to.deep.equal({ version: 'v1' });
    });

    it('turns NOT_FOUND into a NotFound RuntimeError carrying the runtime\'s message', async () => {
      const e = await runtime.podSandboxStatus('missing').then(() => undefined, (err: unknown) => err);
      expect(e).to.be.instanceOf(RuntimeError);
      expect((e as RuntimeError).code).to.equal('NotFound');
      expect((e as RuntimeError).message).to.equal('an error occurred when try to find sandbox: not found');
    });

    it('turns int64 nanosecond strings into numbers and keeps labels', async () => {
      const s = await runtime.containerStatus('c1');
      expect(s.createdAt).to.be.closeTo(1795626611129815536, 1e3);
      expect(s).to.include({ state: 'CONTAINER_EXITED', exitCode: 3, reason: 'Error', startedAt: 0 });
      expect(s.labels).to.deep.equal({ a: 'b' });
    });

    it('answers an absent image with undefined, and a non-zero exec exit as a normal answer', async () => {
      expect(await runtime.imageStatus({ image: 'nope' })).to.equal(undefined);
      const r = await runtime.execSync('c1', ['false'], 5);
      expect(r.exitCode).to.equal(7);
      expect(r.stdout.toString()).to.equal('out');
      expect(lastRequest).to.deep.include({ container_id: 'c1', cmd: ['false'], timeout: '5' });
    });
  });
});
