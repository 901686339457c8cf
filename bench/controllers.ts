// npm run bench:controllers [-- --nodes 100 --deployments 1000 --replicas 10 --concurrency 16 --bundle FILE]
//
// `skiff up --sim-nodes N` (API server, controller manager, scheduler and N simulated node
// agents in one process, as a user runs it); from this process, D Deployments of R replicas
// created over HTTPS. Times until every Deployment is Available with all its pods ready (each
// pod went API → ReplicaSet controller → scheduler → simulated kubelet → Running and Ready),
// then a rolling update of all of them (a new template) until every one is complete again.
// Prints deployments/s and pods/s for both, and the RSS of the skiff process.

import { readFileSync } from 'node:fs';
import https from 'node:https';
import { parseArgs } from 'node:util';
import { agentFromKubeconfig, httpRequest } from './http.ts';
import { Report, renderTable } from './report.ts';
import { buildBundle, skiffUp, vmRssMb } from './skiff.ts';
import { now, runCleanups, sleep, tempDir } from './util.ts';

const SECTION = 'E. controllers';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' },
    deployments: { type: 'string', default: '1000' },
    replicas: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
    'timeout-s': { type: 'string', default: '900' },
    /** Another bundle of skiff (e.g. of another commit) instead of building dist/skiff.cjs. */
    bundle: { type: 'string' },
  },
});
const NODES = Number(values.nodes), DEPLOYMENTS = Number(values.deployments), REPLICAS = Number(values.replicas), CONC = Number(values.concurrency);
const TIMEOUT_MS = Number(values['timeout-s']) * 1000;
const PODS = DEPLOYMENTS * REPLICAS;

function deployment(i: number): string {
  return JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: `bench-${i}` },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: `bench-${i}` } },
      template: {
        metadata: { labels: { app: `bench-${i}` } },
        spec: { containers: [{ name: 'app', image: 'registry.local/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  });
}

interface Deployment {
  metadata: { name: string; generation?: number };
  spec: { replicas?: number };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number; conditions?: { type: string; status: string }[] };
}

/** A Deployment whose latest template is fully rolled out and available (what kubectl rollout status waits for). */
const complete = (d: Deployment) => {
  const s = d.status ?? {};
  return (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) && s.updatedReplicas === REPLICAS && s.replicas === REPLICAS && s.availableReplicas === REPLICAS;
};

async function waitComplete(agent: https.Agent, url: string, what: string, since: number): Promise<number> {
  let last = '';
  for (;;) {
    const r = await httpRequest(agent, url, 'GET', '/apis/apps/v1/namespaces/default/deployments');
    const items = (JSON.parse(r.body) as { items: Deployment[] }).items;
    const done = items.filter(complete).length;
    const line = `${what}: ${done}/${DEPLOYMENTS} deployments complete after ${((now() - since) / 1000).toFixed(0)} s`;
    if (line !== last) { process.stdout.write(`${line}\n`); last = line; }
    if (done >= DEPLOYMENTS) return now();
    if (now() - since > TIMEOUT_MS) throw new Error(`${what}: only ${done}/${DEPLOYMENTS} complete after ${TIMEOUT_MS / 1000} s`);
    await sleep(1000);
  }
}

async function forAll(n: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONC }, async () => {
    while (next < n) await fn(next++);
  }));
}

async function main(): Promise<void> {
  const report = new Report();
  if (!values.bundle) await buildBundle();
  const dir = await tempDir('ctrl');
  const pods = Math.ceil((PODS * 1.5) / NODES) + 10; // room for the surge of a rolling update
  process.stdout.write(`starting skiff up with ${NODES} simulated nodes (pods=${pods} each)\n`);
  const up = await skiffUp(dir, ['--runtime', 'sim', '--sim-nodes', String(NODES), '--sim-capacity', `cpu=64,memory=256Gi,pods=${pods}`, '--no-sim-events'], 180_000, values.bundle);
  const agent = agentFromKubeconfig(up.kubeconfigPath, CONC + 4);
  const pid = up.child.pid!;
  try {
    for (const t0 = now(); ;) {
      const r = await httpRequest(agent, up.url, 'GET', '/api/v1/nodes');
      const ready = (JSON.parse(r.body) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] }).items
        .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      if (ready >= NODES) break;
      if (now() - t0 > 180_000) throw new Error(`only ${ready}/${NODES} nodes Ready after 180 s`);
      await sleep(250);
    }
    report.add(SECTION, 'RSS with nodes registered, no workloads', await vmRssMb(pid), 'MB');

    process.stdout.write(`creating ${DEPLOYMENTS} Deployments of ${REPLICAS} replicas with ${CONC} concurrent clients\n`);
    const start = now();
    let errors = 0, firstError = '';
    await forAll(DEPLOYMENTS, async (i) => {
      const r = await httpRequest(agent, up.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment(i));
      if (r.status !== 201) { errors++; firstError ||= `${r.status} ${r.body.slice(0, 200)}`; }
    });
    if (errors) throw new Error(`${errors} Deployment creates failed: ${firstError}`);
    const available = await waitComplete(agent, up.url, 'create', start);
    const s1 = (available - start) / 1000;
    report.add(SECTION, `${DEPLOYMENTS} Deployments x ${REPLICAS} Available`, s1, 's', undefined, 'first create sent → every Deployment complete (all pods Running and Ready)');
    report.add(SECTION, 'Deployments available per second', DEPLOYMENTS / s1, 'deployments/s');
    report.add(SECTION, 'pods Running and Ready per second', PODS / s1, 'pods/s', { op: '>=', value: 100 }, 'through API, ReplicaSet controller, scheduler and simulated kubelets');
    report.add(SECTION, 'RSS with all pods running', await vmRssMb(pid), 'MB');

    process.stdout.write(`rolling update of all ${DEPLOYMENTS} Deployments\n`);
    const rollStart = now();
    await forAll(DEPLOYMENTS, async (i) => {
      const body = JSON.stringify({ spec: { template: { metadata: { annotations: { 'bench/rollout': '2' } } } } });
      const r = await httpRequest(agent, up.url, 'PATCH', `/apis/apps/v1/namespaces/default/deployments/bench-${i}`, body, 60_000, 'application/merge-patch+json');
      if (r.status !== 200) { errors++; firstError ||= `${r.status} ${r.body.slice(0, 200)}`; }
    });
    if (errors) throw new Error(`${errors} Deployment patches failed: ${firstError}`);
    const rolled = await waitComplete(agent, up.url, 'rolling update', rollStart);
    const s2 = (rolled - rollStart) / 1000;
    report.add(SECTION, 'rolling update of all, complete', s2, 's', undefined, `${PODS} pods replaced (maxSurge/maxUnavailable 25%)`);
    report.add(SECTION, 'rolling update, pods replaced per second', PODS / s2, 'pods/s');
    report.add(SECTION, 'RSS after the rolling update', await vmRssMb(pid), 'MB', undefined, `VmHWM ${(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024).toFixed(0)} MB`);
  } finally {
    agent.destroy();
    await up.stop();
  }
  process.stdout.write(`\n${renderTable(report.figures)}\n\nsimulated kubelet Events off (as kwok); controller and scheduler Events on\n`);
}

main().then(() => runCleanups()).then(() => process.exit(0), async (e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  await runCleanups();
  process.exit(1);
});
