// Figures and the table that prints them.

export interface Target {
  op: '>=' | '<=' | '==';
  value: number;
}

export interface Figure {
  section: string;
  name: string;
  value: number | null; // null: not measured (see note)
  unit: string;
  target?: Target;
  note?: string;
}

export class Report {
  readonly figures: Figure[] = [];

  add(section: string, name: string, value: number | null, unit: string, target?: Target, note?: string): Figure {
    const f: Figure = { section, name, value: value !== null && Number.isFinite(value) ? value : null, unit, target, note };
    this.figures.push(f);
    return f;
  }

  get(section: string, name: string): number | null {
    return this.figures.find((f) => f.section === section && f.name === name)?.value ?? null;
  }
}

export function meets(f: Figure): boolean | null {
  if (!f.target || f.value === null) return null;
  const { op, value } = f.target;
  if (op === '>=') return f.value >= value;
  if (op === '<=') return f.value <= value;
  return f.value === value;
}

export function formatValue(v: number | null): string {
  if (v === null) return 'n/a';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

function formatTarget(t: Target | undefined): string {
  if (!t) return '';
  const op = t.op === '>=' ? '≥' : t.op === '<=' ? '≤' : '=';
  return `${op} ${formatValue(t.value)}`;
}

/** The figures as an aligned text table, one block per section. */
export function renderTable(figures: Figure[]): string {
  const header = ['figure', 'value', 'unit', 'target', 'ok', 'note'];
  const rows: Array<string | string[]> = []; // a string is a section heading
  let section = '';
  for (const f of figures) {
    if (f.section !== section) {
      section = f.section;
      rows.push(`[${section}]`);
    }
    const ok = meets(f);
    rows.push([`  ${f.name}`, formatValue(f.value), f.unit, formatTarget(f.target), ok === null ? '' : ok ? 'yes' : 'NO', f.note ?? '']);
  }
  const cells = rows.filter((r): r is string[] => Array.isArray(r));
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)));
  const line = (r: string[]): string =>
    r
      .map((cell, c) => (c === 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => (typeof r === 'string' ? r : line(r)))].join('\n');
}
