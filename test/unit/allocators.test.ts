import { expect } from 'chai';
import { AllocationError, IPAllocator, PortAllocator } from '../../src/registry/allocators/index.ts';

describe('IPAllocator', () => {
  it('hands out addresses in order starting at .1 (the kubernetes Service)', () => {
    const a = new IPAllocator();
    expect(a.cidr).to.equal('10.96.0.0/12');
    expect(a.allocate()).to.equal('10.96.0.1');
    expect(a.allocate()).to.equal('10.96.0.2');
    expect(a.has('10.96.0.1')).to.equal(true);
    expect(a.allocated).to.equal(2);
  });

  it('allocates specific addresses and skips taken ones', () => {
    const a = new IPAllocator('10.0.0.0/29');
    expect(a.allocate('10.0.0.2')).to.equal('10.0.0.2');
    expect(a.allocate()).to.equal('10.0.0.1');
    expect(a.allocate()).to.equal('10.0.0.3');
  });

  const errorCases: Array<[string, string, string]> = [
    ['outside the range', '10.97.0.1', 'the provided IP (10.97.0.1) is not in the valid range. The range of valid IPs is 10.0.0.0/29'],
    ['the network address', '10.0.0.0', 'the provided IP (10.0.0.0) is not in the valid range. The range of valid IPs is 10.0.0.0/29'],
    ['the broadcast address', '10.0.0.7', 'the provided IP (10.0.0.7) is not in the valid range. The range of valid IPs is 10.0.0.0/29'],
    ['another family', 'fd00::1', 'the provided IP (fd00::1) is not in the valid range. The range of valid IPs is 10.0.0.0/29'],
    ['not an IP', 'nope', 'the provided IP (nope) is not in the valid range. The range of valid IPs is 10.0.0.0/29'],
  ];
  for (const [title, ip, message] of errorCases) {
    it(`rejects ${title}`, () => {
      const a = new IPAllocator('10.0.0.0/29');
      expect(() => a.allocate(ip)).to.throw(AllocationError, message);
    });
  }

  it('rejects double allocation and reports a full range', () => {
    const a = new IPAllocator('10.0.0.0/30');
    expect(a.size).to.equal(2n);
    a.allocate('10.0.0.1');
    expect(() => a.allocate('10.0.0.1')).to.throw(AllocationError, 'provided IP is already allocated');
    a.allocate();
    expect(() => a.allocate()).to.throw(AllocationError, 'range is full');
    try { a.allocate(); } catch (e) { expect((e as AllocationError).failure).to.equal('Full'); }
  });

  it('reuses released addresses', () => {
    const a = new IPAllocator('10.0.0.0/29');
    const first = a.allocate();
    a.allocate();
    a.release(first);
    expect(a.has(first)).to.equal(false);
    expect(a.allocate()).to.equal(first);
    a.release('192.168.0.1'); // unknown: ignored
  });

  it('wraps around to free addresses below the cursor', () => {
    const a = new IPAllocator('10.0.0.0/29');
    const ips = [a.allocate(), a.allocate(), a.allocate(), a.allocate(), a.allocate(), a.allocate()];
    expect(ips.at(-1)).to.equal('10.0.0.6');
    a.release('10.0.0.3');
    expect(a.allocate()).to.equal('10.0.0.3');
  });

  it('supports IPv6 ranges (no broadcast address)', () => {
    const a = new IPAllocator('fd00:10:96::/126');
    expect(a.size).to.equal(3n);
    expect([a.allocate(), a.allocate(), a.allocate()]).to.deep.equal(['fd00:10:96::1', 'fd00:10:96::2', 'fd00:10:96::3']);
    expect(a.contains('fd00:10:96::0')).to.equal(false);
  });

  it('rejects an invalid CIDR', () => {
    expect(() => new IPAllocator('10.0.0.0')).to.throw(AllocationError, 'invalid CIDR address: 10.0.0.0');
  });
});

describe('PortAllocator', () => {
  it('defaults to 30000-32767 and allocates from the bottom', () => {
    const p = new PortAllocator();
    expect(p.range).to.equal('30000-32767');
    expect(p.allocate()).to.equal(30000);
    expect(p.allocate()).to.equal(30001);
    expect(p.allocate(31000)).to.equal(31000);
    expect(p.has(31000)).to.equal(true);
  });

  const errorCases: Array<[string, number, string]> = [
    ['below the range', 29999, 'provided port is not in the valid range. The range of valid ports is 30000-32767'],
    ['above the range', 40000, 'provided port is not in the valid range. The range of valid ports is 30000-32767'],
  ];
  for (const [title, port, message] of errorCases) {
    it(`rejects a port ${title}`, () => expect(() => new PortAllocator().allocate(port)).to.throw(AllocationError, message));
  }

  it('rejects taken ports, reports full ranges and reuses released ports', () => {
    const p = new PortAllocator(30000, 30001);
    p.allocate(30000);
    expect(() => p.allocate(30000)).to.throw(AllocationError, 'provided port is already allocated');
    expect(p.allocate()).to.equal(30001);
    expect(() => p.allocate()).to.throw(AllocationError, 'range is full');
    p.release(30000);
    expect(p.allocate()).to.equal(30000);
  });

  it('rejects invalid ranges', () => {
    expect(() => new PortAllocator(100, 50)).to.throw(AllocationError);
  });
});
