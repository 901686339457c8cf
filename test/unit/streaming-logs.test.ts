// Reading CRI container log files (src/agent/server/logs.ts): the kubelet's ReadLogs options
// over real files.

import { expect } from 'chai';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyContainerLog, fixedNano, parseCriLogLine, type LogOptions } from '../../src/agent/server/logs.ts';

const LOG = [
  '2026-11-25T17:10:11.435400709Z stdout F first line',
  '2026-11-25T17:10:12.1Z stderr F to-stderr',
  '2026-11-25T17:10:13.000000001Z stdout P part one, ',
  '2026-11-25T17:10:13.000000002Z stdout P part two, ',
  '2026-11-25T17:10:13.000000003Z stdout F part three',
  '2026-11-25T17:10:14Z stdout F last line',
  '',
].join('\n');

async function read(path: string, opts: LogOptions, hooks?: Parameters<typeof copyContainerLog>[3]): Promise<string> {
  const chunks: Buffer[] = [];
  await copyContainerLog(path, opts, { closed: false, write: async (c) => { chunks.push(c); } }, hooks);
  return Buffer.concat(chunks).toString();
}

describe('CRI container logs', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-logs-'));
    file = join(dir, '0.log');
    writeFileSync(file, LOG);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses records and rejects lines that are not CRI format', () => {
    const r = parseCriLogLine(Buffer.from('2026-11-25T17:10:11.435400709Z stderr P:extra some text'))!;
    expect(r.stream).to.equal('stderr');
    expect(r.partial).to.equal(true);
    expect(r.content.toString()).to.equal('some text');
    expect(parseCriLogLine(Buffer.from('garbage'))).to.equal(undefined);
    expect(parseCriLogLine(Buffer.from('2026-11-25T17:10:11Z stdin F x'))).to.equal(undefined);
    expect(parseCriLogLine(Buffer.from('2026-11-25T17:10:11Z stdout F'))!.content.length).to.equal(0);
    expect(fixedNano('2026-11-25T17:10:12.1Z')).to.equal('2026-11-25T17:10:12.100000000Z');
    expect(fixedNano('2026-11-25T17:10:14Z')).to.equal('2026-11-25T17:10:14.000000000Z');
  });

  it('prints both streams in order and joins partial lines', async () => {
    expect(await read(file, {})).to.equal('first line\nto-stderr\npart one, part two, part three\nlast line\n');
  });

  it('timestamps: one RFC3339Nano (nine digits) prefix per line', async () => {
    const out = (await read(file, { timestamps: true })).split('\n');
    expect(out[0]).to.equal('2026-11-25T17:10:11.435400709Z first line');
    expect(out[1]).to.equal('2026-11-25T17:10:12.100000000Z to-stderr');
    expect(out[2]).to.equal('2026-11-25T17:10:13.000000001Z part one, part two, part three');
  });

  it('tailLines counts file lines from the end; 0 prints nothing; more than there are prints all', async () => {
    expect(await read(file, { tailLines: 1 })).to.equal('last line\n');
    expect(await read(file, { tailLines: 2 })).to.equal('part three\nlast line\n');
    expect(await read(file, { tailLines: 0 })).to.equal('');
    expect(await read(file, { tailLines: 100 })).to.equal('first line\nto-stderr\npart one, part two, part three\nlast line\n');
  });

  it('limitBytes cuts the output at that many bytes', async () => {
    expect(await read(file, { limitBytes: 5 })).to.equal('first');
    expect(await read(file, { limitBytes: 11 })).to.equal('first line\n');
  });

  it('sinceTime keeps records at or after it', async () => {
    expect(await read(file, { sinceMs: Date.parse('2026-11-25T17:10:13Z') })).to.equal('part one, part two, part three\nlast line\n');
    expect(await read(file, { sinceMs: Date.parse('2026-11-25T17:10:15Z') })).to.equal('');
  });

  it('follow: prints what is appended until the container stops, across a rotation', async () => {
    let running = true;
    const chunks: string[] = [];
    const done = copyContainerLog(file, { follow: true, tailLines: 1 }, { closed: false, write: async (c) => { chunks.push(c.toString()); } }, {
      isRunning: async () => running, pollMs: 20,
    });
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(file, '2026-11-25T17:10:15Z stdout F appended\n');
    await new Promise((r) => setTimeout(r, 150));
    expect(chunks.join('')).to.equal('last line\nappended\n');
    // Rotation: the runtime reopens a new file under the same name.
    renameSync(file, `${file}.20261125-171016`);
    writeFileSync(file, '2026-11-25T17:10:16Z stdout F after rotation\n');
    await new Promise((r) => setTimeout(r, 150));
    running = false;
    appendFileSync(file, '2026-11-25T17:10:17Z stdout F written while stopping\n');
    await done;
    expect(chunks.join('')).to.equal('last line\nappended\nafter rotation\nwritten while stopping\n');
  });

  it('follow ends when the consumer goes away', async () => {
    const abort = new AbortController();
    const done = copyContainerLog(file, { follow: true }, { closed: false, write: async () => undefined }, { isRunning: async () => true, signal: abort.signal, pollMs: 10_000 });
    setTimeout(() => abort.abort(), 50);
    await done;
  });
});
