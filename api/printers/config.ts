// Small kinds with one or two summary columns: configmaps, secrets, serviceaccounts,
// namespaces, leases.

import { AGE, NAME, column, columns } from './columns.ts';
import { since, text } from './format.ts';
import type { Cell, Printer } from './types.ts';

const keyCount = (v: unknown): number => (typeof v === 'object' && v !== null ? Object.keys(v).length : 0);

export const configMapPrinter: Printer = {
  columns: columns(NAME, column('Data', 'string', 'Number of keys in data and binaryData.'), AGE),
  row(obj, now): Cell[] {
    return [text(obj.metadata.name), keyCount(obj.data) + keyCount(obj.binaryData), since(obj.metadata.creationTimestamp, now)];
  },
};

/** Keys of data, plus stringData keys not already there: upstream merges stringData into data on write. */
function secretKeys(data: unknown, stringData: unknown): number {
  let n = keyCount(data);
  if (typeof stringData === 'object' && stringData !== null) {
    const d = typeof data === 'object' && data !== null ? data : {};
    for (const k of Object.keys(stringData)) if (!(k in d)) n++;
  }
  return n;
}

export const secretPrinter: Printer = {
  columns: columns(NAME, column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'), column('Data', 'string', 'Number of keys in data.'), AGE),
  row(obj, now): Cell[] {
    return [text(obj.metadata.name), text(obj.type), secretKeys(obj.data, obj.stringData), since(obj.metadata.creationTimestamp, now)];
  },
};

export const serviceAccountPrinter: Printer = {
  columns: columns(NAME, column('Secrets', 'string', 'Number of secrets listed for pods running as this service account.'), AGE),
  row(obj, now): Cell[] {
    const secrets = Array.isArray(obj.secrets) ? obj.secrets.length : 0;
    return [text(obj.metadata.name), secrets, since(obj.metadata.creationTimestamp, now)];
  },
};

export const namespacePrinter: Printer = {
  columns: columns(NAME, column('Status', 'string', 'The status of the namespace'), AGE),
  row(obj, now): Cell[] {
    const status = obj.status as { phase?: string } | undefined;
    return [text(obj.metadata.name), text(status?.phase), since(obj.metadata.creationTimestamp, now)];
  },
};

export const leasePrinter: Printer = {
  columns: columns(NAME, column('Holder', 'string', 'The identity of the current holder of the lease.'), AGE),
  row(obj, now): Cell[] {
    const spec = obj.spec as { holderIdentity?: string | null } | undefined;
    return [text(obj.metadata.name), text(spec?.holderIdentity), since(obj.metadata.creationTimestamp, now)];
  },
};
