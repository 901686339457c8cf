// kubectl logs, exec, attach, cp and port-forward against real containers (containerd over
// CRI): the API server proxies to the node agent's HTTPS endpoint, which reads the CRI log
// files and bridges to containerd's streaming server. Both transports kubectl has: WebSocket
// (1.30+ exec/attach, 1.31+ port-forward tunnelling SPDY) and plain SPDY/3.1 (1.27, and the
// fallback later versions use).

import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { Skiff } from '../../src/skiff.ts';
import { request, until } from '../helpers.ts';
import { BUSYBOX, busyboxPod, createPod, describeRealRuntime, isRunning, SLEEP_FOREVER, startRealSkiff, waitForPod } from './runtime-harness.ts';

interface Result { code: number; stdout: string; stderr: string }

const KUBECTL_127 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.27';
const SPDY_ONLY = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false', KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' };

describeRealRuntime('streaming: kubectl logs, exec, attach, cp, port-forward on real containers', function () {
  this.timeout(120_000);
  let skiff: Skiff;
  let work: string;
  const children = new Set<ChildProcess>();

  const kubectl = (args: string[], opts: { input?: string; env?: Record<string, string>; binary?: string; timeoutMs?: number } = {}): Promise<Result> =>
    new Promise((resolve) => {
      const child = execFile(opts.binary ?? 'kubectl', ['--kubeconfig', skiff.kubeconfigPath, '--cache-dir', join(work, 'cache'), ...args],
        { timeout: opts.timeoutMs ?? 30_000, env: { ...process.env, ...opts.env } }, (err, stdout, stderr) => {
          children.delete(child);
          resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
        });
      children.add(child);
      if (opts.input !== undefined) child.stdin?.write(opts.input);
      child.stdin?.end();
    });

  before(async () => {
    skiff = await startRealSkiff();
    work = mkdtempSync(join(tmpdir(), 'skiff-streaming-'));
    const web = busyboxPod('web', ['sh', '-c', 'mkdir -p /www && echo hello-from-pod > /www/index.html && httpd -p 8080 -h /www && trap "exit 0" TERM; sleep 3600 & wait']);
    web.metadata.labels = { app: 'web' };
    const two = busyboxPod('two', SLEEP_FOREVER);
    two.spec!.containers.push({ name: 'side', image: BUSYBOX, command: SLEEP_FOREVER });
    await Promise.all([
      // containerd copies stdout and stderr in separate goroutines: lines of the two streams written at
      // the same instant may land in either order, so they are spaced out.
      createPod(skiff, busyboxPod('printer', ['sh', '-c', 'echo line-1; sleep 0.2; echo line-2 >&2; sleep 0.2; echo line-3; trap "exit 0" TERM; sleep 3600 & wait'])),
      createPod(skiff, busyboxPod('shell', SLEEP_FOREVER)),
      createPod(skiff, web),
      createPod(skiff, two),
    ]);
    await Promise.all(['printer', 'shell', 'web', 'two'].map((n) => waitForPod(skiff, 'default', n, isRunning, 90_000)));
  });

  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await skiff?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('kubectl logs', () => {
    it('prints stdout and stderr in order', async () => {
      const r = await until('log lines', async () => { const x = await kubectl(['logs', 'printer']); return x.stdout.includes('line-3') ? x : undefined; }, 20_000, 200);
      expect(r.stdout).to.equal('line-1\nline-2\nline-3\n');
    });

    it('--tail, --timestamps, --since, --limit-bytes', async () => {
      expect((await kubectl(['logs', 'printer', '--tail=1'])).stdout).to.equal('line-3\n');
      const ts = (await kubectl(['logs', 'printer', '--timestamps'])).stdout.split('\n').filter(Boolean);
      expect(ts).to.have.length(3);
      for (const l of ts) expect(l).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line-\d$/);
      expect((await kubectl(['logs', 'printer', '--since=1h'])).stdout).to.equal('line-1\nline-2\nline-3\n');
      const future = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      expect((await kubectl(['logs', 'printer', `--since-time=${future}`])).stdout).to.equal('');
      expect((await kubectl(['logs', 'printer', '--limit-bytes=4'])).stdout).to.equal('line');
    });

    it('-f follows a running container and ends when it exits', async () => {
      await createPod(skiff, busyboxPod('follow', ['sh', '-c', 'for i in 1 2 3 4 5; do echo tick-$i; sleep 0.4; done'], { restartPolicy: 'Never' }));
      await waitForPod(skiff, 'default', 'follow', (p) => p.status?.phase === 'Running' || p.status?.phase === 'Succeeded', 60_000);
      const started = Date.now();
      const r = await kubectl(['logs', '-f', 'follow']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('tick-1\ntick-2\ntick-3\ntick-4\ntick-5\n');
      expect(Date.now() - started).to.be.below(20_000);
      // A completed pod keeps its logs.
      await waitForPod(skiff, 'default', 'follow', (p) => p.status?.phase === 'Succeeded', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect((await kubectl(['logs', 'follow', '--tail=1'])).stdout).to.equal('tick-5\n');
    });

    it('-f streams lines as they are written (nothing held back until the end)', async () => {
      await createPod(skiff, busyboxPod('ticking', ['sh', '-c', 'trap "exit 0" TERM; i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.3; done']));
      await waitForPod(skiff, 'default', 'ticking', isRunning, 60_000);
      const child = spawn('kubectl', ['--kubeconfig', skiff.kubeconfigPath, '--cache-dir', join(work, 'cache'), 'logs', '-f', '--tail=1', 'ticking'], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      try {
        let out = '';
        child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
        const lines = await until('three streamed lines', () => { const l = out.split('\n').filter(Boolean); return l.length >= 3 ? l : undefined; }, 20_000, 50);
        const n = lines.map((l) => Number(/^tick-(\d+)$/.exec(l)?.[1]));
        expect(n[1]).to.equal(n[0]! + 1);
        expect(n[2]).to.equal(n[0]! + 2);
      } finally {
        child.kill('SIGTERM');
        children.delete(child);
      }
    });

    for (const protocol of ['binary.k8s.io', 'base64.binary.k8s.io']) {
      it(`over a WebSocket (${protocol}), as the conformance suite reads it`, async () => {
        const ws = new WebSocket(`wss://127.0.0.1:${skiff.port}/api/v1/namespaces/default/pods/printer/log?container=main`, [protocol], {
          ca: skiff.credentials.caPem, cert: skiff.credentials.certPem, key: skiff.credentials.keyPem,
        });
        let text = '';
        ws.on('message', (m: Buffer, isBinary: boolean) => { text += isBinary ? m.toString() : Buffer.from(m.toString(), 'base64').toString(); });
        const code = await new Promise<number>((resolve, reject) => { ws.on('close', resolve); ws.on('error', reject); });
        expect(code).to.equal(1000);
        expect(text).to.equal('line-1\nline-2\nline-3\n');
      });
    }

    it('--previous shows the instance before the restart', async () => {
      // The first run leaves a mark in an emptyDir and fails; the second one stays up.
      const pod = busyboxPod('restarter', ['sh', '-c', 'if [ -e /data/ran ]; then echo second; trap "exit 0" TERM; sleep 3600 & wait; else touch /data/ran; echo first; exit 1; fi']);
      pod.spec!.volumes = [{ name: 'data', emptyDir: {} }];
      pod.spec!.containers[0]!.volumeMounts = [{ name: 'data', mountPath: '/data' }];
      await createPod(skiff, pod);
      await waitForPod(skiff, 'default', 'restarter', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && isRunning(p), 60_000);
      const previous = await kubectl(['logs', 'restarter', '--previous']);
      expect(previous.code, previous.stderr).to.equal(0);
      expect(previous.stdout).to.equal('first\n');
      const current = await until('current instance log', async () => { const r = await kubectl(['logs', 'restarter']); return r.stdout ? r : undefined; }, 30_000, 250);
      expect(current.stdout).to.equal('second\n');
    });

    it('answers as upstream for a missing pod, an unnamed container of a two-container pod, and no previous instance', async () => {
      const missing = await kubectl(['logs', 'nope']);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.include('pods "nope" not found');
      const unnamed = await request(skiff, 'GET', '/api/v1/namespaces/default/pods/two/log');
      expect(unnamed.status).to.equal(400);
      expect((unnamed.json as { message: string }).message).to.equal('a container name must be specified for pod two, choose one of: [main side]');
      const side = await request(skiff, 'GET', '/api/v1/namespaces/default/pods/two/log?container=side');
      expect(side.status).to.equal(200);
      const previous = await kubectl(['logs', 'printer', '--previous']);
      expect(previous.code).to.equal(1);
      expect(previous.stderr).to.include('previous terminated container "main" in pod "printer" not found');
      const bad = await request(skiff, 'GET', '/api/v1/namespaces/default/pods/printer/log?tailLines=-1');
      expect(bad.status).to.equal(422);
    });
  });

  describe('kubectl exec', () => {
    const variants: { label: string; env?: Record<string, string>; binary?: string }[] = [
      { label: 'WebSocket v5 (kubectl 1.32)' },
      { label: 'SPDY/3.1 (kubectl 1.32 with websockets off)', env: SPDY_ONLY },
    ];
    if (existsSync(KUBECTL_127)) variants.push({ label: 'SPDY/3.1 (kubectl 1.27)', binary: KUBECTL_127 });

    for (const v of variants) {
      it(`${v.label}: stdout and stderr apart, the exit code carried`, async () => {
        const r = await kubectl(['exec', 'shell', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], v);
        expect(r.stdout).to.equal('out\n');
        expect(r.stderr).to.include('err\n');
        expect(r.stderr).to.include('command terminated with exit code 3');
        expect(r.code).to.equal(3);
        const ok = await kubectl(['exec', 'shell', '--', 'cat', '/etc/hostname'], v);
        expect(ok.code, ok.stderr).to.equal(0);
        expect(ok.stdout).to.equal('shell\n');
      });

      it(`${v.label}: -i passes stdin through to its end`, async () => {
        const input = 'first\nsecond\n' + 'x'.repeat(200_000) + '\n';
        const r = await kubectl(['exec', '-i', 'shell', '--', 'sh', '-c', 'wc -c; echo done'], { ...v, input });
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout.trim().split(/\s+/)).to.deep.equal([String(Buffer.byteLength(input)), 'done']);
      });
    }

    for (const v of [{ label: 'WebSocket', env: {} }, { label: 'SPDY/3.1', env: SPDY_ONLY }]) {
      it(`${v.label}: -it runs through a terminal (script(1) gives kubectl a pty) and carries its size (resize channel)`, async () => {
        // The first resize races the command's start (as upstream): look until it has landed.
        const cmd = `stty rows 30 cols 100; kubectl --kubeconfig ${skiff.kubeconfigPath} exec -it shell -- sh -c 'tty; for i in 1 2 3 4 5 6 7 8 9 10; do s=$(stty size); [ "$s" = "30 100" ] && break; sleep 0.2; done; echo size=$s'`;
        const r = await new Promise<Result>((resolve) => {
          const child = execFile('script', ['-qec', cmd, '/dev/null'], { timeout: 30_000, env: { ...process.env, ...v.env } }, (err, stdout, stderr) => {
            children.delete(child);
            resolve({ code: err ? 1 : 0, stdout, stderr });
          });
          children.add(child);
          child.stdin?.end();
        });
        expect(r.code, r.stderr + r.stdout).to.equal(0);
        expect(r.stdout).to.match(/\/dev\/pts\/\d+\r\n/);
        expect(r.stdout).to.include('size=30 100\r\n');
      });
    }

    it('WebSocket channel.k8s.io (the conformance suite\'s exec): stdout on channel 1, failures as text on channel 3', async () => {
      const run = async (command: string) => {
        const q = new URLSearchParams([['command', 'sh'], ['command', '-c'], ['command', command], ['stdout', '1'], ['stderr', '1'], ['container', 'main']]);
        const ws = new WebSocket(`wss://127.0.0.1:${skiff.port}/api/v1/namespaces/default/pods/shell/exec?${q}`, ['channel.k8s.io'], {
          ca: skiff.credentials.caPem, cert: skiff.credentials.certPem, key: skiff.credentials.keyPem,
        });
        const channels: Record<number, string> = {};
        ws.on('message', (m: Buffer) => { channels[m[0]!] = (channels[m[0]!] ?? '') + m.subarray(1).toString(); });
        await new Promise<number>((resolve, reject) => { ws.on('close', resolve); ws.on('error', reject); });
        return channels;
      };
      const ok = await run('echo remote execution test');
      expect(ok[1]).to.equal('remote execution test\n');
      expect(ok[3] ?? '').to.equal('');
      const failed = await run('exit 4');
      expect(failed[3]).to.equal('command terminated with non-zero exit code: error executing command [sh -c exit 4], exit code 4');
    });

    for (const protocol of ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io']) {
      it(`WebSocket ${protocol} (what other clients use): channels 1 and 2 out, the exit status on channel 3`, async () => {
        const q = new URLSearchParams([['command', 'sh'], ['command', '-c'], ['command', 'echo out; echo err >&2; exit 7'], ['stdout', 'true'], ['stderr', 'true']]);
        const ws = new WebSocket(`wss://127.0.0.1:${skiff.port}/api/v1/namespaces/default/pods/shell/exec?${q}`, [protocol], {
          ca: skiff.credentials.caPem, cert: skiff.credentials.certPem, key: skiff.credentials.keyPem,
        });
        const channels: Record<number, string> = {};
        ws.on('message', (m: Buffer, isBinary: boolean) => {
          const [ch, payload] = isBinary ? [m[0]!, m.subarray(1)] : [m[0]! - 0x30, Buffer.from(m.subarray(1).toString(), 'base64')];
          channels[ch] = (channels[ch] ?? '') + payload.toString();
        });
        const code = await new Promise<number>((resolve, reject) => { ws.on('close', resolve); ws.on('error', reject); });
        expect(ws.protocol).to.equal(protocol);
        expect(code).to.equal(1000);
        expect(channels[1]).to.equal('out\n');
        expect(channels[2]).to.equal('err\n');
        const status = JSON.parse(channels[3]!) as { status: string; reason: string; details: { causes: { reason: string; message: string }[] } };
        expect(status.status).to.equal('Failure');
        expect(status.reason).to.equal('NonZeroExitCode');
        expect(status.details.causes).to.deep.include({ reason: 'ExitCode', message: '7' });
      });
    }

    it('an unknown container and a missing command are refused as upstream does', async () => {
      const r = await kubectl(['exec', 'shell', '-c', 'nope', '--', 'true']);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include('container nope is not valid for pod shell');
      const plain = await request(skiff, 'POST', '/api/v1/namespaces/default/pods/shell/exec?command=true&stdout=true');
      expect(plain.status).to.equal(400);
      expect((plain.json as { message: string }).message).to.equal('Upgrade request required');
    });
  });

  describe('kubectl cp', () => {
    it('copies a file into the pod and back out', async () => {
      const local = join(work, 'in.txt');
      writeFileSync(local, 'copied-in\n'.repeat(1000));
      const up = await kubectl(['cp', local, 'shell:/tmp/in.txt']);
      expect(up.code, up.stderr).to.equal(0);
      const cat = await kubectl(['exec', 'shell', '--', 'md5sum', '/tmp/in.txt']);
      expect(cat.stdout.split(' ')[0]).to.equal(await md5(local));
      const back = join(work, 'out.txt');
      const down = await kubectl(['cp', 'shell:/tmp/in.txt', back]);
      expect(down.code, down.stderr).to.equal(0);
      expect(readFileSync(back, 'utf8')).to.equal('copied-in\n'.repeat(1000));
    });
  });

  describe('kubectl attach', () => {
    for (const v of [{ label: 'WebSocket', env: {} }, { label: 'SPDY/3.1', env: SPDY_ONLY }]) {
      it(`${v.label}: -i feeds the container's stdin (stdin: true, stdinOnce) and shows its output`, async () => {
        const name = `reader-${v.label === 'WebSocket' ? 'ws' : 'spdy'}`;
        const pod = busyboxPod(name, ['sh', '-c', 'read line; echo got-$line'], { restartPolicy: 'Never' });
        Object.assign(pod.spec!.containers[0]!, { stdin: true, stdinOnce: true });
        await createPod(skiff, pod);
        await waitForPod(skiff, 'default', name, isRunning, 60_000);
        const r = await kubectl(['attach', '-i', name], { input: 'hello\n', env: v.env });
        expect(r.stdout, r.stderr).to.include('got-hello');
        const done = await waitForPod(skiff, 'default', name, (p) => p.status?.phase === 'Succeeded', 30_000);
        expect(done.status?.phase).to.equal('Succeeded');
      });
    }

    it('kubectl run -it --rm in a terminal (tmux): an interactive shell with the terminal size, then the pod is deleted', async function () {
      if (!existsSync('/usr/bin/tmux')) this.skip();
      // A private tmux server, killed afterwards.
      const tmux = (...args: string[]) => new Promise<string>((resolve) => {
        execFile('tmux', ['-L', `skiff-streaming-${process.pid}`, ...args], { timeout: 10_000 }, (_e, stdout) => resolve(stdout));
      });
      try {
        await tmux('new-session', '-d', '-s', 'run', '-x', '100', '-y', '30',
          `kubectl --kubeconfig ${skiff.kubeconfigPath} run -it --rm --restart=Never interactive --image=${BUSYBOX} -- sh; sleep 60`);
        await until('shell prompt', async () => ((await tmux('capture-pane', '-p', '-t', 'run')).includes('/ #') ? true : undefined), 60_000, 250);
        await tmux('send-keys', '-t', 'run', 'echo answer-$((6*7)); stty size', 'Enter');
        await until('answer', async () => ((await tmux('capture-pane', '-p', '-t', 'run')).includes('answer-42') ? true : undefined), 20_000, 100);
        await tmux('send-keys', '-t', 'run', 'exit', 'Enter');
        const screen = await until('pod deleted', async () => { const x = await tmux('capture-pane', '-p', '-t', 'run'); return x.includes('pod "interactive" deleted') ? x : undefined; }, 30_000, 250);
        expect(screen).to.match(/answer-42\n30 100\n/);
      } finally {
        await tmux('kill-server');
      }
    });

    it('streams the output of the running container until it exits', async () => {
      // Quiet at first, so that kubectl is attached before the ticks (attach shows output from then on).
      await createPod(skiff, busyboxPod('ticker', ['sh', '-c', 'sleep 4; for i in 1 2 3 4 5; do echo tick-$i; sleep 0.3; done'], { restartPolicy: 'Never' }));
      await waitForPod(skiff, 'default', 'ticker', isRunning, 60_000);
      const r = await kubectl(['attach', 'ticker']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.include('tick-5');
    });
  });

  describe('kubectl debug', () => {
    it('adds an ephemeral container that sees the target container\'s processes (--target), with its own logs', async () => {
      const r = await kubectl(['debug', 'shell', '--image=busybox', '--target=main', '-c', 'dbg', '--', 'sh', '-c', 'ps; echo debug-done']);
      expect(r.code, r.stderr).to.equal(0);
      const logs = await until('debugger output', async () => {
        const x = await kubectl(['logs', 'shell', '-c', 'dbg']);
        return x.stdout.includes('debug-done') ? x.stdout : undefined;
      }, 30_000, 300);
      // PID 1 of the shared namespace is the target's own process (its shell), and its sleep is there too.
      expect(logs).to.match(/^\s*1 root\s+sh -c trap/m);
      expect(logs).to.match(/^\s*\d+ root\s+sleep 3600/m);
      type PodStatuses = { status: { ephemeralContainerStatuses?: { name: string; state: { terminated?: { exitCode: number } } }[] } };
      const status = await until('debugger terminated', async () => {
        const p = JSON.parse((await kubectl(['get', 'pod', 'shell', '-o', 'json'])).stdout) as PodStatuses;
        return p.status.ephemeralContainerStatuses?.find((s) => s.name === 'dbg' && s.state.terminated);
      }, 30_000, 300);
      expect(status.state.terminated?.exitCode).to.equal(0);
    });
  });

  describe('kubectl port-forward', () => {
    const variants: { label: string; env?: Record<string, string>; binary?: string }[] = [
      { label: 'SPDY tunnelled in WebSocket (kubectl 1.32)' },
      { label: 'SPDY/3.1 (kubectl 1.32 with websockets off)', env: SPDY_ONLY },
    ];
    if (existsSync(KUBECTL_127)) variants.push({ label: 'SPDY/3.1 (kubectl 1.27)', binary: KUBECTL_127 });

    for (const v of variants) {
      it(`${v.label}: HTTP through the forwarded port reaches the pod, connection after connection`, async () => {
        const child = spawn(v.binary ?? 'kubectl', ['--kubeconfig', skiff.kubeconfigPath, '--cache-dir', join(work, 'cache'), 'port-forward', 'pod/web', ':8080'],
          { env: { ...process.env, ...v.env }, stdio: ['ignore', 'pipe', 'pipe'] });
        children.add(child);
        try {
          let out = '';
          child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
          child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
          const port = await until('port-forward listening', () => Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(out)?.[1]) || undefined, 20_000, 100);
          for (let i = 0; i < 3; i++) expect(await httpGet(port)).to.equal('hello-from-pod\n');
        } finally {
          child.kill('SIGTERM');
          children.delete(child);
        }
      });
    }
  });
  describe('the node agent endpoint', () => {
    const agentGet = async (path: string, withCert: boolean) => {
      const node = (await request(skiff, 'GET', `/api/v1/nodes/${skiff.nodeNames[0]}`)).json as { status: { daemonEndpoints: { kubeletEndpoint: { Port: number } } } };
      const port = node.status.daemonEndpoints.kubeletEndpoint.Port;
      const c = skiff.credentials;
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = https.get({ host: '127.0.0.1', port, path, agent: false, rejectUnauthorized: false, ...(withCert ? { cert: c.certPem, key: c.keyPem } : {}) }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => { body += d.toString(); });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
      });
    };

    it('is published on the Node and wants a client certificate from the cluster CA (healthz is open)', async () => {
      expect(await agentGet('/healthz', false)).to.deep.equal({ status: 200, body: 'ok' });
      const anonymous = await agentGet('/containerLogs/default/printer/main', false);
      expect(anonymous.status).to.equal(401);
      const admin = await until('printer done', async () => { const r = await agentGet('/containerLogs/default/printer/main?tailLines=1', true); return r.body === 'line-3\n' ? r : undefined; }, 10_000, 200);
      expect(admin.status).to.equal(200);
    });
  });

  describe('services/proxy', () => {
    it('proxies to a ready endpoint by port name and by port number', async () => {
      const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'websvc', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
      expect((await request(skiff, 'POST', '/api/v1/namespaces/default/services', { body: svc })).status).to.equal(201);
      const byName = await until('endpoints', async () => { const r = await request(skiff, 'GET', '/api/v1/namespaces/default/services/websvc:http/proxy/index.html'); return r.status === 200 ? r : undefined; }, 30_000, 250);
      expect(byName.text).to.equal('hello-from-pod\n');
      const byNumber = await kubectl(['get', '--raw', '/api/v1/namespaces/default/services/http:websvc:80/proxy/']);
      expect(byNumber.stdout).to.equal('hello-from-pod\n');
      const noPort = await request(skiff, 'GET', '/api/v1/namespaces/default/services/websvc:81/proxy/');
      expect(noPort.status).to.equal(503);
      expect((noPort.json as { message: string }).message).to.equal('no service port 81 found for service "websvc"');
    });
  });

  describe('pods/proxy', () => {
    it('proxies HTTP to the pod (kubectl get --raw …/pods/web:8080/proxy/)', async () => {
      const r = await kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/web:8080/proxy/index.html']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('hello-from-pod\n');
      const missing = await request(skiff, 'GET', '/api/v1/namespaces/default/pods/web:8080/proxy/nope.html');
      expect(missing.status).to.equal(404);
      const closed = await request(skiff, 'GET', '/api/v1/namespaces/default/pods/web:9/proxy/');
      expect(closed.status).to.equal(503);
      expect((closed.json as { message: string }).message).to.match(/^error trying to reach service: .*ECONNREFUSED/);
    });
  });
});

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

async function md5(path: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('md5').update(readFileSync(path)).digest('hex');
}
