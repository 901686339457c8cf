// Nodes: NAME STATUS ROLES AGE VERSION, and wide addresses and system info.

import type { KubeObject } from '../../src/registry/object.ts';
import { AGE, NAME, column, columns } from './columns.ts';
import { age } from './format.ts';
import { type CellTemplate, printer } from './types.ts';

interface NodeWire {
  metadata: { name?: string; creationTimestamp?: string; labels?: Record<string, string> };
  spec?: { unschedulable?: boolean };
  status?: {
    conditions?: { type?: string; status?: string }[];
    addresses?: { type?: string; address?: string }[];
    nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string };
  };
}

const ROLE_PREFIX = 'node-role.kubernetes.io/';
/** The older way of naming a role: the label's value is the role. */
const ROLE_LABEL = 'kubernetes.io/role';

/** STATUS: Ready/NotReady from the Ready condition (Unknown without one), plus SchedulingDisabled when cordoned. */
function nodeStatus(node: NodeWire): string {
  let ready: string | undefined;
  // The last Ready condition wins, as upstream indexes conditions by type.
  for (const c of node.status?.conditions ?? []) if (c.type === 'Ready') ready = c.status === 'True' ? 'Ready' : 'NotReady';
  const base = ready ?? 'Unknown';
  return node.spec?.unschedulable ? `${base},SchedulingDisabled` : base;
}

/** ROLES from node-role.kubernetes.io/<role> keys and kubernetes.io/role values, sorted, unique. */
function nodeRoles(node: NodeWire): string {
  const labels = node.metadata.labels;
  if (!labels) return '<none>';
  const roles = new Set<string>();
  for (const k of Object.keys(labels)) {
    if (k.startsWith(ROLE_PREFIX)) {
      if (k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    } else if (k === ROLE_LABEL && labels[k] !== '') {
      roles.add(labels[k]);
    }
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function address(node: NodeWire, type: string): string {
  for (const a of node.status?.addresses ?? []) if (a.type === type) return a.address ?? '';
  return '<none>';
}

export const nodePrinter = printer({
  columns: columns(
    NAME,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    AGE,
    column('Version', 'string', 'Kubelet version reported by the node.'),
    column('Internal-IP', 'string', 'The node\'s first InternalIP address.', 1),
    column('External-IP', 'string', 'The node\'s first ExternalIP address.', 1),
    column('OS-Image', 'string', 'OS image reported by the node.', 1),
    column('Kernel-Version', 'string', 'Kernel version reported by the node.', 1),
    column('Container-Runtime', 'string', 'Container runtime version reported by the node.', 1),
  ),
  cells(obj: KubeObject): CellTemplate[] {
    const node = obj as unknown as NodeWire;
    const info = node.status?.nodeInfo ?? {};
    return [
      node.metadata.name ?? '', nodeStatus(node), nodeRoles(node), age(node.metadata.creationTimestamp), info.kubeletVersion ?? '',
      address(node, 'InternalIP'), address(node, 'ExternalIP'),
      info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>',
    ];
  },
});
