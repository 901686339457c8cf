// Protocol choices of the streaming subresources: WebSocket subprotocol negotiation, the
// status a session ends with, proxy target parsing, and upgrade header forwarding.

import { expect } from 'chai';
import type http from 'node:http';
import { negotiateWsProtocol, statusFromErrorStream } from '../../src/server/streaming/remotecommand.ts';
import { matchProxy, splitSchemeNamePort } from '../../src/server/streaming/proxy.ts';
import { upgradeHeaders } from '../../src/server/streaming/upgrade.ts';
import { selectContainer, validateContainerLogStatus } from '../../src/server/streaming/index.ts';
import type { Pod } from '../../src/agent/types.ts';

describe('streaming protocol choices', () => {
  it('negotiates the first offered WebSocket subprotocol that is served (channel.k8s.io when none is offered)', () => {
    const cases: [string | undefined, string | undefined][] = [
      ['v5.channel.k8s.io', 'v5.channel.k8s.io'],
      ['v4.channel.k8s.io, v5.channel.k8s.io', 'v4.channel.k8s.io'],
      ['v4.base64.channel.k8s.io', 'v4.base64.channel.k8s.io'],
      ['channel.k8s.io', 'channel.k8s.io'],
      ['base64.channel.k8s.io', 'base64.channel.k8s.io'],
      ['v9.channel.k8s.io, v4.channel.k8s.io', 'v4.channel.k8s.io'],
      [undefined, 'channel.k8s.io'],
      ['SPDY/3.1+portforward.k8s.io', undefined],
    ];
    for (const [offered, chosen] of cases) expect(negotiateWsProtocol(offered), String(offered)).to.equal(chosen);
  });

  it('reports the runtime\'s error stream as a Status: empty is Success, JSON Status passes, text is a Failure', () => {
    expect(JSON.parse(statusFromErrorStream(Buffer.alloc(0)))).to.deep.equal({ metadata: {}, status: 'Success' });
    const exit = '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: exit 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}';
    expect(statusFromErrorStream(Buffer.from(exit))).to.equal(exit);
    const text = JSON.parse(statusFromErrorStream(Buffer.from('oci runtime error\n'))) as { status: string; message: string };
    expect(text).to.include({ status: 'Failure', message: 'oci runtime error' });
  });

  it('parses proxy paths and [scheme:]name[:port] as upstream', () => {
    expect(matchProxy('/api/v1/namespaces/ns/pods/https:web:8443/proxy/a/b')).to.deep.equal({ kind: 'pods', namespace: 'ns', target: 'https:web:8443', rest: '/a/b' });
    expect(matchProxy('/api/v1/namespaces/ns/services/web/proxy')).to.deep.equal({ kind: 'services', namespace: 'ns', target: 'web', rest: '/' });
    expect(matchProxy('/api/v1/namespaces/ns/configmaps/web/proxy')).to.equal(undefined);
    expect(splitSchemeNamePort('web')).to.deep.equal({ scheme: '', name: 'web', port: '' });
    expect(splitSchemeNamePort('web:80')).to.deep.equal({ scheme: '', name: 'web', port: '80' });
    expect(splitSchemeNamePort('https:web:tls')).to.deep.equal({ scheme: 'https', name: 'web', port: 'tls' });
    expect(splitSchemeNamePort('ftp:web:21')).to.equal(undefined);
    expect(splitSchemeNamePort('a:b:c:d')).to.equal(undefined);
  });

  it('forwards an upgrade with its protocol headers, repeated values kept apart', () => {
    const req = { headersDistinct: {
      upgrade: ['SPDY/3.1'], 'x-stream-protocol-version': ['v5.channel.k8s.io, v4.channel.k8s.io', 'v3.channel.k8s.io'],
      authorization: ['Bearer secret'], 'user-agent': ['kubectl'],
    } } as unknown as http.IncomingMessage;
    expect(upgradeHeaders(req)).to.deep.equal({
      Connection: 'Upgrade', 'Content-Length': '0', upgrade: 'SPDY/3.1',
      'x-stream-protocol-version': ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io'],
    });
  });
});

describe('streaming container checks', () => {
  const pod = (status: Pod['status']): Pod => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'main', image: 'i' }, { name: 'side', image: 'i' }], initContainers: [{ name: 'init', image: 'i' }] }, status,
  });

  it('selects the container as upstream streamLocation does', () => {
    const one: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo' }, spec: { containers: [{ name: 'only', image: 'i' }] } };
    expect(selectContainer(one, null, true)).to.equal('only');
    expect(() => selectContainer(pod(undefined), null, true)).to.throw('a container name must be specified for pod p, choose one of: [main side] or one of the init containers: [init]');
    expect(selectContainer(pod(undefined), 'init', true)).to.equal('init');
    expect(() => selectContainer(pod(undefined), 'zzz', true)).to.throw('container zzz is not valid for pod p');
  });

  it('decides whether there are logs from the container status as the kubelet does', () => {
    const cases: { name: string; status: NonNullable<Pod['status']>['containerStatuses']; previous?: boolean; error?: string }[] = [
      { name: 'running', status: [{ name: 'main', state: { running: {} }, ready: true, restartCount: 0, image: 'i', imageID: '' }] },
      { name: 'creating', status: [{ name: 'main', state: { waiting: { reason: 'ContainerCreating' } }, ready: false, restartCount: 0, image: 'i', imageID: '' }], error: 'container "main" in pod "p" is waiting to start: ContainerCreating' },
      { name: 'image pull', status: [{ name: 'main', state: { waiting: { reason: 'ImagePullBackOff' } }, ready: false, restartCount: 0, image: 'i', imageID: '' }], error: 'container "main" in pod "p" is waiting to start: trying and failing to pull image' },
      { name: 'crash loop', status: [{ name: 'main', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, containerID: 'containerd://x' } }, ready: false, restartCount: 2, image: 'i', imageID: '' }] },
      { name: 'no previous', status: [{ name: 'main', state: { running: {} }, ready: true, restartCount: 0, image: 'i', imageID: '' }], previous: true, error: 'previous terminated container "main" in pod "p" not found' },
      { name: 'previous', status: [{ name: 'main', state: { running: {} }, lastState: { terminated: { exitCode: 1, containerID: 'containerd://x' } }, ready: true, restartCount: 1, image: 'i', imageID: '' }], previous: true },
      { name: 'no status yet', status: [], error: 'container "main" in pod "p" is not available' },
    ];
    for (const c of cases) {
      const run = () => validateContainerLogStatus(pod({ containerStatuses: c.status }), 'main', c.previous ?? false);
      if (c.error) expect(run, c.name).to.throw(c.error);
      else expect(run, c.name).not.to.throw();
    }
  });
});
