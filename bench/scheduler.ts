// npm run bench:scheduler [-- --nodes 1000 --pods 10000 --zones 3 --concurrency 32 --kubelet-events --controllers --bundle FILE]
//
// `skiff up --sim-nodes N` (API server, scheduler and N simulated node agents in one
// process, as a user runs it) and, from this process, N pods created over HTTPS with
// requests and a zone topology-spread constraint. A watch on bound pods (spec.nodeName!=:
// the creations need not come back to this process) times each pod from the moment its
// create was sent to the event that shows it bound. Prints pods scheduled per second end
// to end, p50/p99 creation→binding, how the pods spread over the zones, and the RSS of
// the skiff process.

import { readFileSync } from 'node:fs';
import https from 'node:https';
import { parseArgs } from 'node:util';
import { Histogram } from './histogram.ts';
import { agentFromKubeconfig, httpRequest } from './http.ts';
import { Report, renderTable } from './report.ts';
import { buildBundle, cpuMs, skiffUp, vmRssMb } from './skiff.ts';
import { now, runCleanups, sleep, tempDir } from './util.ts';

const SECTION = 'D. scheduler';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    pods: { type: 'string', default: '10000' },
    zones: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    /** Let the simulated kubelets write their Events too (off by default, as kwok). */
    'kubelet-events': { type: 'boolean', default: false },
    /**
     * Run the controller manager too (off by default, as upstream's scheduler_perf runs the API
     * server and the scheduler only): its informers get every pod event as well.
     */
    controllers: { type: 'boolean', default: false },
    /** Another bundle of skiff (e.g. of another commit) instead of building dist/skiff.cjs. */
    bundle: { type: 'string' },
  },
});
const NODES = Number(values.nodes), PODS = Number(values.pods), ZONES = Number(values.zones), CONC = Number(values.concurrency);

function benchPod(i: number): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `bench-${i}`, labels: { app: 'bench' } },
    spec: {
      containers: [{ name: 'app', image: 'registry.local/pause:3.10', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'bench' } } }],
    },
  });
}

async function main(): Promise<void> {
  const report = new Report();
  if (!values.bundle) await buildBundle();
  const dir = await tempDir('sched');
  const zones = Array.from({ length: ZONES }, (_, i) => `zone-${String.fromCharCode(97 + i)}`);
  process.stdout.write(`starting skiff up with ${NODES} simulated nodes in ${ZONES} zones\n`);
  const t0 = now();
  const up = await skiffUp(dir, ['--runtime', 'sim', '--sim-nodes', String(NODES), '--sim-zones', zones.join(','), '--sim-capacity', 'cpu=32,memory=128Gi,pods=110', ...(values['kubelet-events'] ? [] : ['--no-sim-events']), ...(values.controllers ? [] : ['--no-controllers'])], 180_000, values.bundle);
  const agent = agentFromKubeconfig(up.kubeconfigPath, CONC + 4);
  const pid = up.child.pid!;
  try {
    // Wait for every node to register and be Ready.
    for (;;) {
      const r = await httpRequest(agent, up.url, 'GET', '/api/v1/nodes');
      const nodes = (JSON.parse(r.body) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] }).items;
      const ready = nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      if (ready >= NODES) break;
      if (now() - t0 > 180_000) throw new Error(`only ${ready}/${NODES} nodes Ready after 180 s`);
      await sleep(250);
    }
    report.add(SECTION, `${NODES} nodes registered and Ready`, (now() - t0) / 1000, 's', undefined, 'from spawning skiff up');
    report.add(SECTION, 'RSS with nodes registered, no pods', await vmRssMb(pid), 'MB');

    const created = new Map<string, number>();
    const latency = new Histogram();
    const perZone = new Map<string, number>();
    const nodeZone = new Map<string, string>();
    {
      const r = await httpRequest(agent, up.url, 'GET', '/api/v1/nodes');
      for (const n of (JSON.parse(r.body) as { items: { metadata: { name: string; labels: Record<string, string> } }[] }).items) nodeZone.set(n.metadata.name, n.metadata.labels['topology.kubernetes.io/zone']);
    }
    let bound = 0, lastBound = 0;
    const allBound = new Promise<void>((resolve, reject) => {
      const base = new URL(up.url);
      const req = https.request({ agent: new https.Agent({ ...agent.options, keepAlive: false }), host: base.hostname, port: base.port, path: '/api/v1/namespaces/default/pods?watch=1&resourceVersion=0&fieldSelector=spec.nodeName%21%3D', headers: { accept: 'application/json' } }, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let nl;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            const ev = JSON.parse(line) as { object: { metadata: { name: string }; spec?: { nodeName?: string } } };
            const name = ev.object.metadata.name;
            const node = ev.object.spec?.nodeName;
            const sent = created.get(name);
            if (node && sent !== undefined) {
              created.delete(name);
              const t = now();
              latency.record(t - sent);
              bound++;
              lastBound = t;
              const z = nodeZone.get(node) ?? '?';
              perZone.set(z, (perZone.get(z) ?? 0) + 1);
              if (bound === PODS) { req.destroy(); resolve(); }
            }
          }
        });
        res.on('error', () => undefined);
      });
      req.on('error', (e) => { if (bound < PODS) reject(e); });
      req.end();
    });
    await sleep(200);

    process.stdout.write(`creating ${PODS} pods with ${CONC} concurrent clients\n`);
    const start = now();
    const cpuAtStart = cpuMs(pid);
    let next = 0, errors = 0;
    let firstError = '';
    await Promise.all(Array.from({ length: CONC }, async () => {
      while (next < PODS) {
        const i = next++;
        created.set(`bench-${i}`, now());
        const r = await httpRequest(agent, up.url, 'POST', '/api/v1/namespaces/default/pods', benchPod(i));
        if (r.status !== 201) { errors++; firstError ||= `${r.status} ${r.body.slice(0, 200)}`; created.delete(`bench-${i}`); }
      }
    }));
    const createdIn = now() - start;
    const deadline = now() + 300_000;
    const timeout = new Promise<void>((resolve) => { const t = setInterval(() => { if (now() > deadline || bound + errors >= PODS) { clearInterval(t); resolve(); } }, 200); });
    await Promise.race([allBound, timeout]);
    const seconds = ((lastBound || now()) - start) / 1000;
    const cpuPerPod = (cpuMs(pid) - cpuAtStart) / Math.max(1, bound);
    report.add(SECTION, 'pods created', PODS - errors, 'pods', undefined, errors ? `${errors} create errors (${firstError})` : `in ${(createdIn / 1000).toFixed(1)} s`);
    report.add(SECTION, 'pods bound', bound, 'pods');
    report.add(SECTION, 'scheduled end to end', bound / seconds, 'pods/s', { op: '>=', value: 500 }, 'first create sent → last binding seen on a watch');
    report.add(SECTION, 'skiff CPU per pod scheduled', cpuPerPod, 'ms', undefined, 'user + system time of all its threads from the first create to the last binding, over pods bound (steadier than pods/s on a shared machine)');
    report.add(SECTION, 'creation → binding p50', latency.percentile(50), 'ms');
    report.add(SECTION, 'creation → binding p99', latency.percentile(99), 'ms');
    report.add(SECTION, 'pods per zone', null, '', undefined, [...perZone].sort().map(([z, n]) => `${z}: ${n}`).join(', '));
    report.add(SECTION, 'RSS after scheduling', await vmRssMb(pid), 'MB', undefined, `VmHWM ${(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024).toFixed(0)} MB`);
  } finally {
    agent.destroy();
    await up.stop();
  }
  process.stdout.write(`\n${renderTable(report.figures)}\n\nsimulated kubelet Events ${values['kubelet-events'] ? 'on' : 'off (as kwok; --kubelet-events turns them on)'}; the scheduler's Scheduled events are always written; controller manager ${values.controllers ? 'on' : 'off (as scheduler_perf; --controllers turns it on)'}\n`);
}

main().then(() => runCleanups()).then(() => process.exit(0), async (e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  await runCleanups();
  process.exit(1);
});
