// Small kinds with one or two summary columns: configmaps, secrets, serviceaccounts,
// namespaces, leases.

import { AGE, NAME, column, columns } from './columns.ts';
import { age, text } from './format.ts';
import { type CellTemplate, printer } from './types.ts';

const keyCount = (v: unknown): number => (typeof v === 'object' && v !== null ? Object.keys(v).length : 0);

export const configMapPrinter = printer({
  columns: columns(NAME, column('Data', 'string', 'Number of keys in data and binaryData.'), AGE),
  cells(obj): CellTemplate[] {
    return [text(obj.metadata.name), keyCount(obj.data) + keyCount(obj.binaryData), age(obj.metadata.creationTimestamp)];
  },
});

/** Keys of data, plus stringData keys not already there: upstream merges stringData into data on write. */
function secretKeys(data: unknown, stringData: unknown): number {
  let n = keyCount(data);
  if (typeof stringData === 'object' && stringData !== null) {
    const d = typeof data === 'object' && data !== null ? data : {};
    for (const k of Object.keys(stringData)) if (!(k in d)) n++;
  }
  return n;
}

export const secretPrinter = printer({
  columns: columns(NAME, column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'), column('Data', 'string', 'Number of keys in data.'), AGE),
  cells(obj): CellTemplate[] {
    return [text(obj.metadata.name), text(obj.type), secretKeys(obj.data, obj.stringData), age(obj.metadata.creationTimestamp)];
  },
});

export const serviceAccountPrinter = printer({
  columns: columns(NAME, column('Secrets', 'string', 'Number of secrets listed for pods running as this service account.'), AGE),
  cells(obj): CellTemplate[] {
    const secrets = Array.isArray(obj.secrets) ? obj.secrets.length : 0;
    return [text(obj.metadata.name), secrets, age(obj.metadata.creationTimestamp)];
  },
});

export const namespacePrinter = printer({
  columns: columns(NAME, column('Status', 'string', 'The status of the namespace'), AGE),
  cells(obj): CellTemplate[] {
    const status = obj.status as { phase?: string } | undefined;
    return [text(obj.metadata.name), text(status?.phase), age(obj.metadata.creationTimestamp)];
  },
});

export const leasePrinter = printer({
  columns: columns(NAME, column('Holder', 'string', 'The identity of the current holder of the lease.'), AGE),
  cells(obj): CellTemplate[] {
    const spec = obj.spec as { holderIdentity?: string | null } | undefined;
    return [text(obj.metadata.name), text(spec?.holderIdentity), age(obj.metadata.creationTimestamp)];
  },
});
