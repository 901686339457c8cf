// The kubectl binaries the e2e scripts run with: 1.32 (the machine's default, through the
// version dispatcher) and the oldest and newest we support, when present.

import { existsSync } from 'node:fs';

export interface Kubectl { label: string; path: string }

const SDK = '/usr/lib/google-cloud-sdk/bin';

export function kubectlVersions(): Kubectl[] {
  if (process.env.KUBECTL) return [{ label: process.env.KUBECTL, path: process.env.KUBECTL }];
  const all: Kubectl[] = [
    { label: '1.32', path: '/usr/bin/kubectl' },
    { label: '1.27', path: `${SDK}/kubectl.1.27` },
    { label: '1.33', path: `${SDK}/kubectl.1.33` },
  ];
  return all.filter((k) => existsSync(k.path));
}
